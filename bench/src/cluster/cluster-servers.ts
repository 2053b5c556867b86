// The cluster under test: a throwaway Postgres and Redis (the test suite's
// starters) and N sync-server processes on them, each with its own fresh
// database so configurations do not see each other's docs.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPostgresStore } from '@plansync/sync-server'
import { createDatabase, startPostgres, type TestPostgres } from '../../../tests/utils/postgres.ts'
import { startRedis, type TestRedis } from '../../../tests/utils/redis.ts'
import { type ServerProcess, startServerProcess } from '../servers/server-process.ts'
import { TARGETS } from '../servers/targets.ts'

export interface ClusterServices {
  postgres: TestPostgres
  redis: TestRedis
  stop(): Promise<void>
}

export async function startClusterServices(): Promise<ClusterServices> {
  const db = await startPostgres()
  const redis = await startRedis()
  return {
    postgres: db,
    redis,
    async stop() {
      await redis.stop()
      await db.stop()
    },
  }
}

export interface Instances {
  servers: ServerProcess[]
  stop(): Promise<void>
}

/** Starts `count` instances on a new database named `name`. */
export async function startInstances(
  services: ClusterServices,
  name: string,
  count: number,
  repoRoot: string,
): Promise<Instances> {
  const databaseUrl = await createDatabase(services.postgres.url, name)
  const store = createPostgresStore({ url: databaseUrl, max: 1 })
  await store.migrate()
  await store.close()
  const dataDir = await mkdtemp(join(tmpdir(), 'plansync-bench-cluster-'))
  const servers: ServerProcess[] = []
  try {
    for (let i = 0; i < count; i++) {
      const target = {
        ...TARGETS.ours,
        env: (port: number, dir: string) => ({
          ...TARGETS.ours.env(port, dir),
          STORAGE: 'postgres',
          DATABASE_URL: databaseUrl,
          REDIS_URL: services.redis.url,
          SYNC_INSTANCE_ID: `${name}-${i + 1}`,
        }),
      }
      servers.push(await startServerProcess(target, { repoRoot, dataDir, readyTimeoutMs: 20_000 }))
    }
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()))
    await rm(dataDir, { recursive: true, force: true })
    throw error
  }
  return {
    servers,
    async stop() {
      await Promise.all(servers.map((server) => server.stop()))
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
