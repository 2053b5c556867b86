// Leases on a real Redis: one holder at a time, renew only by the holder,
// takeover after expiry with a higher fencing token, release by the holder.
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
})
