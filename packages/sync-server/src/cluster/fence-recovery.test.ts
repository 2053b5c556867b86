// A Redis that loses data (restart without AOF, the last second of an
// everysec AOF) must not stall compaction for good: with the token counter
// gone, the next lease starts above the fence storage holds; with the
// counter behind storage, the refused holder gives the lease up and raises
// the counter, and the next try goes through. Real Redis, real SQLite.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import * as Y from 'yjs'
import { Compactor } from '../compactor.ts'
import { createSyncMetrics } from '../metrics.ts'
import { createSqliteStore } from '../storage/sqlite.ts'
import type { DocStore } from '../storage/types.ts'
import { DocLeases } from './doc-leases.ts'
import { createRedisLeases } from './lease.ts'

describe('fencing after Redis lost data', () => {
  const redis = new Redis(inject('redisUrl'))
  let dir: string
  let store: DocStore
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'plansync-fence-'))
    store = createSqliteStore({ file: path.join(dir, 'docs.db') })
    await store.migrate()
  })
  afterAll(async () => {
    redis.disconnect()
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  function setup() {
    const prefix = `test:${Math.random().toString(36).slice(2)}:`
    const logger = pino({ level: 'silent' })
    const metrics = createSyncMetrics({ pendingBytes: () => 0, logRows: async () => 0 })
    const leases = new DocLeases({
      leases: createRedisLeases({ redis, instanceId: 'a', ttlMs: 5_000, prefix }),
      logger,
      renewEveryMs: 1_000,
      storedFence: (docName) => store.fenceOf(docName),
      metrics: {
        acquired: metrics.leasesAcquired,
        lost: metrics.leasesLost,
        refused: metrics.fencedWritesRefused,
      },
    })
    const compactor = new Compactor({
      store,
      rows: 2,
      bytes: 1024 ** 2,
      logger,
      metrics,
      lease: (docName) => leases.grant(docName),
    })
    const doc = new Y.Doc()
    const docName = `calendar:${prefix.replaceAll(':', '')}`
    const write = async (count: number) => {
      for (let i = 0; i < count; i++) {
        let update: Uint8Array | undefined
        doc.once('update', (u: Uint8Array) => {
          update = u
        })
        doc.getMap('m').set(`k${doc.getMap('m').size}`, i)
        await store.append([{ docName, update: update as Uint8Array }])
      }
    }
    const compact = async () => {
      compactor.maybeCompact(docName, await store.logStats(docName))
      await compactor.idle()
    }
    const counter = `${prefix}doc:${docName}:fence`
    const value = async (name: string) =>
      (await metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value
    return { leases, docName, write, compact, counter, prefix, value }
  }

  it('starts a lost token counter above storage: compaction goes on at once', async () => {
    const { leases, docName, write, compact } = setup()
    // Earlier holders (before Redis lost everything) wrote under token 7.
    await write(1)
    await store.compact(docName, { fence: 7 })
    await write(3)
    await compact()
    expect((await store.logStats(docName)).rows).toBe(0)
    expect(await store.fenceOf(docName)).toBe(8)
    await leases.close()
  })

  it('gives the lease up when storage refuses its token, and the next try goes through', async () => {
    const { leases, docName, write, compact, counter, prefix, value } = setup()
    await write(1)
    await store.compact(docName, { fence: 7 })
    // A partly lost AOF: the counter exists but is behind storage.
    await redis.set(counter, 2)
    await write(3)
    await compact()
    expect((await store.logStats(docName)).rows).toBe(3)
    expect(await value('sync_fenced_writes_refused_total')).toBe(1)
    // Given up: nobody holds the lease, and the counter is past storage's token.
    expect(await redis.get(`${prefix}doc:${docName}`)).toBeNull()
    expect(Number(await redis.get(counter))).toBeGreaterThanOrEqual(7)
    await write(1)
    await compact()
    expect((await store.logStats(docName)).rows).toBe(0)
    expect(await store.fenceOf(docName)).toBe(8)
    expect(await value('sync_fenced_writes_refused_total')).toBe(1)
    await leases.close()
  })
})
