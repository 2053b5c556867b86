// Leases in Redis for work that must run once per doc (compaction, the seat
// allocator). A lease is a key holding the owner and a fencing token from a
// per-key counter that only grows; only the owner can renew or release it
// (checked atomically in Lua). An instance that cannot renew in time must
// stop the work, and storage can refuse writes with a fencing token lower
// than the highest it has seen, so a paused instance that wakes up after
// losing its lease cannot overwrite the new owner's work.
//
// The counter lives in Redis, storage keeps the highest token it accepted.
// If Redis loses data (a restart without AOF, or the last second of an
// everysec AOF), the counter falls behind storage and every new token would
// be refused forever. So a counter that does not exist is started from the
// caller's stored fence (`storedFence`), and a holder whose write was refused
// raises the counter above storage's (`raiseFence`) before trying again.
import type { Redis } from 'ioredis'

export interface Lease {
  name: string
  /** Grows with every new acquisition of this name, across all instances. */
  fencingToken: number
  /** Local deadline (ms) before which the lease is surely still ours. */
  validUntil: number
}

// KEYS: lease, counter. ARGV: owner, ttl, floor ('' when not known).
// Returns the new token, nil when the lease is held, or -1 when the counter
// does not exist and no floor was given: the caller reads storage's and asks again.
const ACQUIRE = `
if redis.call('exists', KEYS[1]) == 1 then return nil end
local floor = tonumber(ARGV[3])
local current = tonumber(redis.call('get', KEYS[2]))
if current == nil and floor == nil then return -1 end
if floor ~= nil and (current == nil or current < floor) then redis.call('set', KEYS[2], floor) end
local token = redis.call('incr', KEYS[2])
redis.call('set', KEYS[1], ARGV[1] .. ':' .. token, 'px', ARGV[2])
return token`

const RAISE = `
local current = tonumber(redis.call('get', KEYS[1]))
if current == nil or current < tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) end
return 1`

const RENEW = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`

const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`

export interface Leases {
  /** False for the single-process stand-in: its writes need no fencing token. */
  readonly fencing: boolean
  /**
   * Takes the lease if nobody holds it; null when another instance does.
   * `storedFence` gives the highest token storage accepted for this name; it
   * is asked only when the token counter is missing (first use, or Redis lost it).
   */
  acquire(name: string, storedFence?: () => Promise<number>): Promise<Lease | null>
  /** Makes the next token of `name` higher than `token` (a write under ours was refused). */
  raiseFence(name: string, token: number): Promise<void>
  /** Extends a lease we hold; false when it was lost (expired and maybe taken). */
  renew(lease: Lease): Promise<boolean>
  release(lease: Lease): Promise<void>
}

export function createRedisLeases(options: {
  redis: Redis
  instanceId: string
  ttlMs: number
  prefix?: string
  now?: () => number
}): Leases {
  const { redis, instanceId, ttlMs } = options
  const prefix = options.prefix ?? 'plansync:lease:'
  const now = options.now ?? Date.now
  // Local validity ends before the Redis expiry, leaving room for clock drift and latency.
  const margin = Math.max(50, Math.floor(ttlMs / 5))
  const keyOf = (name: string) => `${prefix}${name}`
  const counterOf = (name: string) => `${prefix}${name}:fence`
  const holderOf = (lease: Lease) => `${instanceId}:${lease.fencingToken}`
  return {
    fencing: true,
    async acquire(name, storedFence) {
      const started = now()
      const take = (floor: number | '') =>
        redis.eval(ACQUIRE, 2, keyOf(name), counterOf(name), instanceId, ttlMs, floor) as Promise<
          number | null
        >
      let token = await take('')
      if (token === -1) token = await take(storedFence ? await storedFence() : 0)
      if (token === null) return null
      return { name, fencingToken: Number(token), validUntil: started + ttlMs - margin }
    },
    async raiseFence(name, token) {
      await redis.eval(RAISE, 1, counterOf(name), token)
    },
    async renew(lease) {
      const started = now()
      const renewed = (await redis.eval(
        RENEW,
        1,
        keyOf(lease.name),
        holderOf(lease),
        ttlMs,
      )) as number
      if (renewed !== 1) return false
      lease.validUntil = started + ttlMs - margin
      return true
    },
    async release(lease) {
      await redis.eval(RELEASE, 1, keyOf(lease.name), holderOf(lease))
      lease.validUntil = 0
    },
  }
}

/**
 * One process alone (embedded, or a single server without Redis): every
 * lease is granted at once and never lost, and writes carry no fence.
 */
export function createLocalLeases(): Leases {
  return {
    fencing: false,
    async acquire(name) {
      return { name, fencingToken: 0, validUntil: Number.POSITIVE_INFINITY }
    },
    async raiseFence() {},
    async renew() {
      return true
    },
    async release(lease) {
      lease.validUntil = 0
    },
  }
}
