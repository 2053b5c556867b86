// The cluster topology as plain processes on loopback: a private Postgres
// and Redis (with AOF), three sync-server processes on fixed ports, and
// nginx with the shipped config in front. Private, so fault tests can stop
// and restart them without touching other suites.
import { createPostgresStore } from '@plansync/sync-server'
import * as Y from 'yjs'
import { freePort } from './free-port.ts'
import { startNginx, type TestNginx } from './nginx.ts'
import { startPostgres, type TestPostgres } from './postgres.ts'
import { startRedis, type TestRedis } from './redis.ts'
import {
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './sync-process.ts'

export interface TestCluster {
  postgres: TestPostgres
  redis: TestRedis
  nginx: TestNginx
  /** The three instances as they run now (a restart replaces an entry). */
  instances: SyncProcess[]
  /** Starts instance `i` again on its port, after a crash or a stop. */
  restart(i: number): Promise<SyncProcess>
  /** The doc as storage holds it. */
  storedDoc(docName: string): Promise<Y.Doc>
  stop(): Promise<void>
}

export async function startCluster(env: Record<string, string> = {}): Promise<TestCluster> {
  const postgres = await startPostgres()
  const redis = await startRedis({ appendOnly: true })
  const store = createPostgresStore({ url: postgres.url, max: 1 })
  await store.migrate()
  await store.close()
  const ports = [await freePort(), await freePort(), await freePort()]
  const launch = (i: number) =>
    startSyncProcess({
      port: ports[i],
      env: {
        STORAGE: 'postgres',
        DATABASE_URL: postgres.url,
        REDIS_URL: redis.url,
        SYNC_INSTANCE_ID: `sync-${i + 1}`,
        SYNC_LEASE_TTL_MS: '2000',
        ...env,
      },
    })
  const instances = await Promise.all([0, 1, 2].map(launch))
  const nginx = await startNginx({
    sync: ports.map((port) => `127.0.0.1:${port}`) as [string, string, string],
    auth: `127.0.0.1:${await freePort()}`,
  })
  return {
    postgres,
    redis,
    nginx,
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
      for (const instance of instances) {
        instance.child.kill('SIGCONT')
        await stopSyncProcess(instance, 'SIGKILL')
        await removeDataDir(instance)
      }
      await redis.stop()
      await postgres.stop()
    },
  }
}
