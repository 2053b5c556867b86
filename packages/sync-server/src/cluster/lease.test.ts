// Leases on a real Redis: one holder at a time, renew only by the holder,
// takeover after expiry with a higher fencing token, release by the holder;
// a token counter Redis lost starts again above storage's highest token.
import { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createRedisLeases } from './lease.ts'

describe('Redis leases', () => {
  const redis = new Redis(inject('redisUrl'))
  afterAll(() => redis.disconnect())
  const name = () => `doc-${Math.random().toString(36).slice(2)}`

  it('lets one instance hold a lease, renew it, and release it', async () => {
    const a = createRedisLeases({ redis, instanceId: 'a', ttlMs: 1_000 })
    const b = createRedisLeases({ redis, instanceId: 'b', ttlMs: 1_000 })
    const doc = name()
    const lease = await a.acquire(doc)
    expect(lease).not.toBeNull()
    expect(await b.acquire(doc)).toBeNull()
    expect(await a.renew(lease as NonNullable<typeof lease>)).toBe(true)
    // b cannot renew or release what a holds.
    expect(await b.renew({ ...(lease as NonNullable<typeof lease>) })).toBe(false)
    await b.release({ ...(lease as NonNullable<typeof lease>) })
    expect(await b.acquire(doc)).toBeNull()
    await a.release(lease as NonNullable<typeof lease>)
    const taken = await b.acquire(doc)
    expect(taken?.fencingToken).toBeGreaterThan(lease?.fencingToken as number)
  })

  it('moves an expired lease to another instance with a higher fencing token; the old holder cannot renew', async () => {
    const a = createRedisLeases({ redis, instanceId: 'a', ttlMs: 200 })
    const b = createRedisLeases({ redis, instanceId: 'b', ttlMs: 200 })
    const doc = name()
    const first = await a.acquire(doc)
    expect(first?.validUntil).toBeLessThan(Date.now() + 200)
    await new Promise((resolve) => setTimeout(resolve, 300)) // a is "paused" past its lease
    const second = await b.acquire(doc)
    expect(second).not.toBeNull()
    expect(second?.fencingToken).toBeGreaterThan(first?.fencingToken as number)
    expect(await a.renew(first as NonNullable<typeof first>)).toBe(false)
  })

  it('starts a missing token counter above the fence storage holds, and only then asks for it', async () => {
    const a = createRedisLeases({ redis, instanceId: 'a', ttlMs: 1_000 })
    const doc = name()
    let asked = 0
    const storedFence = async () => {
      asked += 1
      return 41
    }
    const first = await a.acquire(doc, storedFence)
    expect(first?.fencingToken).toBe(42)
    await a.release(first as NonNullable<typeof first>)
    // The counter exists now: storage is not asked again.
    expect((await a.acquire(doc, storedFence))?.fencingToken).toBe(43)
    expect(asked).toBe(1)
    // Redis loses its data (a restart without AOF): lease and counter are gone.
    await redis.del(`plansync:lease:${doc}`, `plansync:lease:${doc}:fence`)
    expect((await a.acquire(doc, async () => 43))?.fencingToken).toBe(44)
  })

  it('raises a counter that fell behind storage, never lowers one', async () => {
    const a = createRedisLeases({ redis, instanceId: 'a', ttlMs: 1_000 })
    const doc = name()
    const first = await a.acquire(doc)
    expect(first?.fencingToken).toBe(1)
    await a.release(first as NonNullable<typeof first>)
    await a.raiseFence(doc, 10)
    await a.raiseFence(doc, 3)
    expect((await a.acquire(doc))?.fencingToken).toBe(11)
  })
})
