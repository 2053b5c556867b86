// Rate limits with rate-limiter-flexible: in memory when embedded, in Redis
// in a cluster so every auth-api replica counts together. A consumed point
// past the limit throws AuthError 'rate_limited' with Retry-After seconds.
import type { Redis } from 'ioredis'
import {
  type IRateLimiterOptions,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible'
import { AuthError } from '../errors.ts'

/** points per duration (seconds); blockDuration extends the wait once exceeded. */
export const rateLimitRules = {
  /** Failed and successful login attempts for one username from one IP. */
  loginUserIp: { points: 5, duration: 60, blockDuration: 300 },
  /** All login attempts from one IP, whatever the username. */
  loginIp: { points: 30, duration: 60, blockDuration: 300 },
  /** Current-password checks of one user (POST /password): a stolen session cannot guess it. */
  passwordUser: { points: 5, duration: 60, blockDuration: 300 },
  /** Registrations from one IP. */
  registerIp: { points: 5, duration: 60 },
  /** Sync token requests per user. */
  syncTokenUser: { points: 120, duration: 60 },
  /** Invite creation per user. */
  inviteUser: { points: 30, duration: 60 },
} as const satisfies Record<string, IRateLimiterOptions>

export type RateLimitRule = keyof typeof rateLimitRules

export interface RateLimits {
  /** Counts one attempt; throws AuthError('rate_limited') past the limit. */
  consume(rule: RateLimitRule, key: string): Promise<void>
  /** Forgets the attempts of `key`, e.g. after a successful login. */
  reset(rule: RateLimitRule, key: string): Promise<void>
}

export interface RateLimitsOptions {
  redis?: Redis
  /** Replaces some rules' allowances (tests use small ones to stay fast). */
  rules?: Partial<Record<RateLimitRule, IRateLimiterOptions>>
}

export function createRateLimits(options: RateLimitsOptions = {}): RateLimits {
  const rules = { ...rateLimitRules, ...options.rules }
  const limiters = new Map(
    Object.entries(rules).map(([rule, settings]) => {
      const keyPrefix = `plansync:rl:${rule}`
      const limiter = options.redis
        ? new RateLimiterRedis({
            ...settings,
            keyPrefix,
            storeClient: options.redis,
            // While Redis is unreachable each replica keeps counting on its own.
            insuranceLimiter: new RateLimiterMemory({ ...settings, keyPrefix }),
          })
        : new RateLimiterMemory({ ...settings, keyPrefix })
      return [rule as RateLimitRule, limiter]
    }),
  )
  const limiterFor = (rule: RateLimitRule) => {
    const limiter = limiters.get(rule)
    if (!limiter) throw new Error(`unknown rate limit rule ${rule}`)
    return limiter
  }
  return {
    async consume(rule, key) {
      try {
        await limiterFor(rule).consume(key)
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error
        const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000))
        throw new AuthError('rate_limited', `too many attempts, retry in ${retryAfter} s`, {
          retryAfter,
        })
      }
    },
    async reset(rule, key) {
      await limiterFor(rule).delete(key)
    },
  }
}
