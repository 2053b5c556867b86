// The cluster topology as plain processes on loopback: a private Postgres
// and Redis (with AOF), sync-server processes on fixed ports (three unless
// asked), nginx with the shipped configs in front, and, if asked, the auth
// API issuing the sync tokens the instances verify and a notifier where
// nginx sends /feeds/. Private, so fault tests can stop and restart them
// without touching other suites; scripts/cluster runs the same for people.
import { createPostgresStore } from '@plansync/sync-server'
import * as Y from 'yjs'
import { freePort } from './free-port.ts'
import { startNginx, startWebStatic, type TestNginx } from './nginx.ts'
import { createDatabase, startPostgres, type TestPostgres } from './postgres.ts'
import { startRedis, type TestRedis } from './redis.ts'
import {
  authApiMain,
  notifierMain,
  removeDataDir,
  type StartOptions,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './sync-process.ts'
import { buildWebApp } from './web-app.ts'

export interface TestCluster {
  postgres: TestPostgres
  redis: TestRedis
  nginx: TestNginx
  /** The auth API, when started with `withAuth`. */
  auth: SyncProcess | undefined
  /** The notifier, when started with `withNotifier`. */
  notifier: SyncProcess | undefined
  /** The web app's static server, when started with `withWeb`. */
  web: TestNginx | undefined
  /** The port nginx sends /feeds/ to: start a notifier on it to serve feeds. */
  notifierPort: number
  /** The instances as they run now (a restart replaces an entry). */
  instances: SyncProcess[]
  /** Starts instance `i` again on its port, after a crash or a stop. */
  restart(i: number): Promise<SyncProcess>
  /** The indexes of the instances holding `docName` in memory now (GET /cluster?doc=). */
  holders(docName: string): Promise<number[]>
  /** The doc as storage holds it. */
  storedDoc(docName: string): Promise<Y.Doc>
  /** The highest fencing token storage accepted for the doc (0 if none). */
  storedFence(docName: string): Promise<number>
  /** The doc's log rows not yet compacted into a snapshot. */
  storedLogRows(docName: string): Promise<number>
  stop(): Promise<void>
}

export interface ClusterOptions {
  /** Extra environment of the sync servers. */
  env?: Record<string, string>
  /** How many sync servers (3 by default, as in docker-compose.yml). */
  instances?: number
  /** Where nginx listens (a free port by default). */
  proxyPort?: number
  /** Start the auth API too: the instances then verify its sync tokens (no dev auth). */
  withAuth?: boolean
  /** Start a notifier too (needs `withAuth`), on the port nginx sends /feeds/ to. */
  withNotifier?: boolean
  /** Build the web app and serve it as its own static service (nginx with web.conf) behind the proxy. */
  withWeb?: boolean
  /** Lease TTL of the sync servers; short by default, so fault tests run fast. */
  leaseTtlMs?: number
  /** How the processes log (scripts/cluster writes files instead of keeping lines). */
  output?: (name: string) => Pick<StartOptions, 'keepLogs' | 'onOutput'>
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
  const output = options.output ?? (() => ({}))
  const postgres = await startPostgres()
  started.push(() => postgres.stop())
  const redis = await startRedis({ appendOnly: true })
  started.push(() => redis.stop())
  const store = createPostgresStore({ url: postgres.url, max: 1 })
  await store.migrate()
  await store.close()
  const ports: number[] = []
  for (let i = 0; i < (options.instances ?? 3); i++) ports.push(await freePort())
  const authPort = await freePort()
  const proxyPort = options.proxyPort ?? (await freePort())
  const publicUrl = `http://127.0.0.1:${proxyPort}`
  /** Where nginx sends /feeds/: a notifier listens there (see notifierPort). */
  const notifierPort = await freePort()
  const auth = options.withAuth
    ? await startSyncProcess({
        main: authApiMain,
        ...output('auth-api'),
        env: {
          AUTH_HOST: '127.0.0.1',
          AUTH_PORT: String(authPort),
          AUTH_PUBLIC_URL: publicUrl,
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
      ...output(`sync-${i + 1}`),
      env: {
        STORAGE: 'postgres',
        DATABASE_URL: postgres.url,
        REDIS_URL: redis.url,
        SYNC_INSTANCE_ID: `sync-${i + 1}`,
        SYNC_ADVERTISE_URL: `http://127.0.0.1:${ports[i]}`,
        SYNC_LEASE_TTL_MS: String(options.leaseTtlMs ?? 2_000),
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
  for (const i of ports.keys()) instances.push(await launch(i))
  let notifier: SyncProcess | undefined
  if (options.withNotifier) {
    if (!auth) throw new Error('the notifier needs the auth API (withAuth)')
    notifier = await startSyncProcess({
      main: notifierMain,
      ...output('notifier'),
      env: {
        NOTIFIER_PORT: String(notifierPort),
        NOTIFIER_INSTANCE_ID: 'notifier-1',
        SYNC_DATABASE_URL: postgres.url,
        NOTIFIER_DATABASE_URL: await createDatabase(postgres.url, 'notifier'),
        REDIS_URL: redis.url,
        AUTH_URL: auth.url,
        AUTH_INTERNAL_SECRET: INTERNAL_SECRET,
        APP_URL: publicUrl,
      },
    })
    const running = notifier
    started.push(() => stopSyncProcess(running, 'SIGKILL').then(() => removeDataDir(running)))
  }
  const web = options.withWeb ? await startWebStatic(await buildWebApp()) : undefined
  if (web) started.push(() => web.stop())
  const nginx = await startNginx({
    port: proxyPort,
    sync: ports.map((port) => `127.0.0.1:${port}`),
    auth: `127.0.0.1:${authPort}`,
    notifier: `127.0.0.1:${notifierPort}`,
    web: web ? `127.0.0.1:${web.port}` : undefined,
  })
  return {
    postgres,
    redis,
    nginx,
    auth,
    notifier,
    web,
    notifierPort,
    instances,
    async restart(i) {
      const old = instances[i] as SyncProcess
      await removeDataDir(old)
      const fresh = await launch(i)
      instances[i] = fresh
      return fresh
    },
    async holders(docName) {
      const held = await Promise.all(
        instances.map(async (instance) => {
          // A process that exited holds nothing.
          if (instance.child.exitCode !== null || instance.child.signalCode !== null) return false
          const response = await fetch(`${instance.url}/cluster?doc=${encodeURIComponent(docName)}`)
          return ((await response.json()) as { held?: boolean }).held === true
        }),
      )
      return held.flatMap((yes, i) => (yes ? [i] : []))
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
    async storedFence(docName) {
      const reader = createPostgresStore({ url: postgres.url, max: 1 })
      try {
        return await reader.fenceOf(docName)
      } finally {
        await reader.close()
      }
    },
    async storedLogRows(docName) {
      const reader = createPostgresStore({ url: postgres.url, max: 1 })
      try {
        return (await reader.logStats(docName)).rows
      } finally {
        await reader.close()
      }
    },
    async stop() {
      await nginx.stop()
      await web?.stop()
      const processes = [...instances, ...(notifier ? [notifier] : []), ...(auth ? [auth] : [])]
      for (const instance of processes) {
        instance.child.kill('SIGCONT')
        await stopSyncProcess(instance, 'SIGKILL')
        await removeDataDir(instance)
      }
      await redis.stop()
      await postgres.stop()
    },
  }
}
