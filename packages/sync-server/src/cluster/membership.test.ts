// Membership on a real Redis: instances appear with their address, leave
// at once on stop, and drop out when their heartbeat stops (a crash).
import { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createRedisMembership } from './membership.ts'

describe('Redis membership', () => {
  const redis = new Redis(inject('redisUrl'))
  afterAll(() => redis.disconnect())

  it('lists live instances, and drops one that stops or stops beating', async () => {
    await redis.del('plansync:members', 'plansync:member-addresses')
    const one = createRedisMembership({
      redis,
      instanceId: 'sync-1',
      address: '127.0.0.1:9001',
      ttlMs: 300,
    })
    const two = createRedisMembership({
      redis,
      instanceId: 'sync-2',
      address: '127.0.0.1:9002',
      ttlMs: 300,
    })
    await one.start()
    await two.start()
    expect(await one.live()).toEqual([
      { id: 'sync-1', address: '127.0.0.1:9001' },
      { id: 'sync-2', address: '127.0.0.1:9002' },
    ])
    // Heartbeats keep a member alive past its TTL.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect((await two.live()).map((m) => m.id)).toEqual(['sync-1', 'sync-2'])
    await two.stop()
    expect((await one.live()).map((m) => m.id)).toEqual(['sync-1'])

    // A crashed instance: its last heartbeat (written here directly) simply runs out.
    await redis
      .multi()
      .zadd('plansync:members', Date.now() + 200, 'sync-3')
      .hset('plansync:member-addresses', 'sync-3', '127.0.0.1:9003')
      .exec()
    expect((await one.live()).map((m) => m.id)).toEqual(['sync-1', 'sync-3'])
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await one.live()).map((m) => m.id)).toEqual(['sync-1'])
    await one.stop()
  })
})
