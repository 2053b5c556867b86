// The cluster topology as plain processes on loopback: a private Postgres
// and Redis (with AOF), three sync-server processes on fixed ports, nginx
// with the shipped config in front, and, if asked, the auth API issuing the
// sync tokens the instances verify. Private, so fault tests can stop and
// restart them without touching other suites.
import { createPostgresStore } from '@plansync/sync-server'
import * as Y from 'yjs'
import { freePort } from './free-port.ts'
import { startNginx, type TestNginx } from './nginx.ts'
import { createDatabase, startPostgres, type TestPostgres } from './postgres.ts'
import { startRedis, type TestRedis } from './redis.ts'
import {
  authApiMain,
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './sync-process.ts'

export interface TestCluster {
  postgres: TestPostgres
  redis: TestRedis
  nginx: TestNginx
  /** The auth API, when started with `withAuth`. */
  auth: SyncProcess | undefined
  /** The port nginx sends /feeds/ to: start a notifier on it to serve feeds. */
  notifierPort: number
  /** The three instances as they run now (a restart replaces an entry). */
  instances: SyncProcess[]
  /** Starts instance `i` again on its port, after a crash or a stop. */
  restart(i: number): Promise<SyncProcess>
  /** The doc as storage holds it. */
  storedDoc(docName: string): Promise<Y.Doc>
  stop(): Promise<void>
}

export interface ClusterOptions {
  /** Extra environment of the sync servers. */
  env?: Record<string, string>
  /** Start the auth API too: the instances then verify its sync tokens (no dev auth). */
  withAuth?: boolean
}

export const INTERNAL_SECRET = 'cluster-test-internal-secret-0123456789'

export async function startCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  // Whatever started is stopped again if a later part fails to start.
  const started: Array<() => Promise<void>> = []
  try {
    return await launchCluster(options, started)
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => {})
    throw error
  }
}

async function launchCluster(
  options: ClusterOptions,
  started: Array<() => Promise<void>>,
): Promise<TestCluster> {
  const postgres = await startPostgres()
  started.push(() => postgres.stop())
  const redis = await startRedis({ appendOnly: true })
  started.push(() => redis.stop())
  const store = createPostgresStore({ url: postgres.url, max: 1 })
  await store.migrate()
  await store.close()
  const ports = [await freePort(), await freePort(), await freePort()]
  const authPort = await freePort()
  const proxyPort = await freePort()
  /** Where nginx sends /feeds/: a notifier a test starts there (see notifierPort). */
  const notifierPort = await freePort()
  const auth = options.withAuth
    ? await startSyncProcess({
        main: authApiMain,
        env: {
          AUTH_HOST: '127.0.0.1',
          AUTH_PORT: String(authPort),
          AUTH_PUBLIC_URL: `http://127.0.0.1:${proxyPort}`,
          AUTH_TRUST_PROXY: 'true',
          AUTH_INTERNAL_SECRET: INTERNAL_SECRET,
          STORAGE: 'postgres',
          DATABASE_URL: await createDatabase(postgres.url, 'auth'),
          REDIS_URL: redis.url,
        },
      })
    : undefined
  if (auth) started.push(() => stopSyncProcess(auth, 'SIGKILL').then(() => removeDataDir(auth)))
  const tokenEnv: Record<string, string> = auth
    ? {
        SYNC_INSECURE_DEV_AUTH: 'false',
        SYNC_TOKEN_JWKS_URL: `${auth.url}/auth/.well-known/jwks.json`,
        SYNC_AUTH_URL: auth.url,
        SYNC_INTERNAL_SECRET: INTERNAL_SECRET,
      }
    : {}
  const launch = (i: number) =>
    startSyncProcess({
      port: ports[i],
      env: {
        STORAGE: 'postgres',
        DATABASE_URL: postgres.url,
        REDIS_URL: redis.url,
        SYNC_INSTANCE_ID: `sync-${i + 1}`,
        SYNC_LEASE_TTL_MS: '2000',
        ...tokenEnv,
        ...options.env,
      },
    })
  const instances: SyncProcess[] = []
  started.push(async () => {
    for (const instance of instances) {
      await stopSyncProcess(instance, 'SIGKILL')
      await removeDataDir(instance)
    }
  })
  for (const i of [0, 1, 2]) instances.push(await launch(i))
  const nginx = await startNginx({
    port: proxyPort,
    sync: ports.map((port) => `127.0.0.1:${port}`) as [string, string, string],
    auth: `127.0.0.1:${authPort}`,
    notifier: `127.0.0.1:${notifierPort}`,
  })
  return {
    postgres,
    redis,
    nginx,
    auth,
    notifierPort,
    instances,
    async restart(i) {
      const old = instances[i] as SyncProcess
      await removeDataDir(old)
      const fresh = await launch(i)
      instances[i] = fresh
      return fresh
    },
    async storedDoc(docName) {
      const reader = createPostgresStore({ url: postgres.url, max: 1 })
      try {
        const stored = await reader.load(docName)
        const doc = new Y.Doc()
        for (const part of [stored.snapshot, ...stored.updates]) if (part) Y.applyUpdate(doc, part)
        return doc
      } finally {
        await reader.close()
      }
    },
    async stop() {
      await nginx.stop()
      for (const instance of auth ? [...instances, auth] : instances) {
        instance.child.kill('SIGCONT')
        await stopSyncProcess(instance, 'SIGKILL')
        await removeDataDir(instance)
      }
      await redis.stop()
      await postgres.stop()
    },
  }
}
