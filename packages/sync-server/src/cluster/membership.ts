// Cluster membership in Redis: each sync-server instance announces itself
// with a heartbeat; a member whose heartbeat is older than the TTL is no
// longer live. The live set is the routing table (see rendezvous.ts).
//
//   plansync:members           sorted set: instance id → heartbeat deadline (ms)
//   plansync:member-addresses  hash: instance id → address (for the proxy)
import type { Redis } from 'ioredis'

export interface Member {
  id: string
  address: string
}

export interface Membership {
  /** Announces this instance now and keeps announcing it until stop(). */
  start(): Promise<void>
  /** The live instances, sorted by id. */
  live(): Promise<Member[]>
  /** Leaves the cluster at once (clean shutdown). */
  stop(): Promise<void>
}

const MEMBERS = 'plansync:members'
const ADDRESSES = 'plansync:member-addresses'

export function createRedisMembership(options: {
  redis: Redis
  instanceId: string
  address: string
  ttlMs: number
  now?: () => number
  onError?: (error: unknown) => void
}): Membership {
  const { redis, instanceId, address, ttlMs } = options
  const now = options.now ?? Date.now
  let timer: ReturnType<typeof setInterval> | undefined

  const beat = async () => {
    await redis
      .multi()
      .zadd(MEMBERS, now() + ttlMs, instanceId)
      .hset(ADDRESSES, instanceId, address)
      .exec()
  }

  return {
    async start() {
      await beat()
      timer = setInterval(
        () => beat().catch((error: unknown) => options.onError?.(error)),
        Math.max(50, Math.floor(ttlMs / 3)),
      )
      timer.unref()
    },
    async live() {
      const at = now()
      // Expired members are swept by whoever reads; the answer never includes them.
      await redis.zremrangebyscore(MEMBERS, '-inf', at)
      const ids = await redis.zrangebyscore(MEMBERS, at, '+inf')
      if (ids.length === 0) return []
      const addresses = await redis.hmget(ADDRESSES, ...ids)
      return ids
        .map((id, i) => ({ id, address: addresses[i] ?? '' }))
        .sort((a, b) => a.id.localeCompare(b.id))
    },
    async stop() {
      clearInterval(timer)
      await redis.multi().zrem(MEMBERS, instanceId).hdel(ADDRESSES, instanceId).exec()
    },
  }
}
