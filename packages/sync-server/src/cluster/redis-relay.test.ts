// The Redis Streams relay on a real Redis: delivery between instances, gap
// detection by entry numbers, one bad entry not stalling the others, and a
// Redis restart (a private server) answered by a resync and a retried publish.
import { Redis } from 'ioredis'
import pino from 'pino'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { startRedis, type TestRedis } from '../../../../tests/utils/redis.ts'
import { waitFor } from '../../../../tests/utils/wait.ts'
import { createRedisRelay } from './redis-relay.ts'
import type { Relay } from './relay.ts'

const logger = pino({ level: process.env.RELAY_LOG ?? 'silent' })

interface Received {
  updates: Array<[string, number[]]>
  resyncs: Array<string[] | 'all'>
}

describe('Redis Streams relay', () => {
  const relays: Relay[] = []
  let privateRedis: TestRedis | undefined
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.close()))
    await privateRedis?.stop()
    privateRedis = undefined
  })

  async function start(
    instanceId: string,
    options: { url?: string; prefix: string; onUpdate?: (docName: string) => void },
  ) {
    const got: Received = { updates: [], resyncs: [] }
    const relay = createRedisRelay({
      url: options.url ?? inject('redisUrl'),
      instanceId,
      logger,
      partitions: 4,
      prefix: options.prefix,
    })
    relays.push(relay)
    await relay.start({
      onUpdate(docName, update) {
        options.onUpdate?.(docName)
        got.updates.push([docName, [...update]])
      },
      onResync(filter) {
        got.resyncs.push(
          filter ? ['doc-a', 'doc-b', 'doc-c', 'doc-d'].filter((name) => filter(name)) : 'all',
        )
      },
    })
    return { relay, got }
  }
  const prefix = () => `test:relay:${Math.random().toString(36).slice(2)}:`

  it('delivers each update to the other instances, in order per doc, never back to its sender', async () => {
    const p = prefix()
    const a = await start('a', { prefix: p })
    const b = await start('b', { prefix: p })
    const c = await start('c', { prefix: p })
    for (let i = 0; i < 50; i++) a.relay.publish(i % 2 ? 'doc-a' : 'doc-b', new Uint8Array([i, 0]))
    b.relay.publish('doc-c', new Uint8Array([200]))
    expect(await a.relay.drain(5_000)).toBe(true)
    await waitFor(() => c.got.updates.length === 51, 'c.got.updates.length === 51', 5_000)
    await waitFor(() => b.got.updates.length === 50, 'b.got.updates.length === 50', 5_000)
    expect(a.got.updates).toEqual([['doc-c', [200]]])
    const docA = c.got.updates.filter(([doc]) => doc === 'doc-a').map(([, u]) => u[0])
    expect(docA).toEqual([...Array(25)].map((_, i) => 2 * i + 1))
    expect(c.got.resyncs).toEqual([])
  })

  it('resyncs the partition whose entries were trimmed or lost before a reader saw them', async () => {
    const p = prefix()
    const redis = new Redis(inject('redisUrl'))
    try {
      const b = await start('b', { prefix: p })
      // Entries appended behind the relay's back with numbers that skip: a gap.
      await redis.incrby(`${p}0:n`, 5)
      const a = await start('a', { prefix: p })
      for (const doc of ['doc-a', 'doc-b', 'doc-c', 'doc-d'])
        a.relay.publish(doc, new Uint8Array([1]))
      await a.relay.drain(5_000)
      await waitFor(() => b.got.resyncs.length > 0, 'b.got.resyncs.length > 0', 5_000)
      // Only partition 0's docs; the update that revealed the gap is still delivered.
      const resynced = b.got.resyncs[0] as string[]
      expect(resynced.length).toBeGreaterThan(0)
      expect(resynced.length).toBeLessThan(4)
      await waitFor(() => b.got.updates.length === 4, 'b.got.updates.length === 4', 5_000)
    } finally {
      redis.disconnect()
    }
  })

  it('keeps relaying other docs when handling one entry throws, and resyncs that doc', async () => {
    const p = prefix()
    const a = await start('a', { prefix: p })
    const b = await start('b', {
      prefix: p,
      onUpdate: (docName) => {
        if (docName === 'doc-a') throw new Error('bad entry')
      },
    })
    a.relay.publish('doc-a', new Uint8Array([1]))
    a.relay.publish('doc-b', new Uint8Array([2]))
    await waitFor(
      () => b.got.updates.some(([doc]) => doc === 'doc-b'),
      'b.got.updates.some(([doc]) => doc === doc-b)',
      5_000,
    )
    expect(b.got.resyncs).toContainEqual(['doc-a'])
  })

  it('retries publishing while Redis restarts, and has readers resync, then relays again', async () => {
    privateRedis = await startRedis()
    const url = privateRedis.url
    const p = prefix()
    const a = await start('a', { url, prefix: p })
    const b = await start('b', { url, prefix: p })
    await privateRedis.restart()
    // Published while a's connection is still down: queued and retried until Redis is back.
    a.relay.publish('doc-a', new Uint8Array([7]))
    expect(await a.relay.drain(15_000)).toBe(true)
    // b lost its connection: it cannot know what it missed, so every doc it holds is reloaded.
    await waitFor(() => b.got.resyncs.includes('all'), 'b to resync everything', 15_000)
    a.relay.publish('doc-b', new Uint8Array([8]))
    await waitFor(
      () => b.got.updates.some(([doc]) => doc === 'doc-b'),
      'b to receive doc-b after the restart',
      10_000,
    )
  })
})
