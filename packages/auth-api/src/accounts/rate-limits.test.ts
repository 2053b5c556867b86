// Rate limits count in memory (embedded) or in Redis (cluster), where every
// auth-api replica shares one count; past the limit comes rate_limited with
// a Retry-After in seconds.
import { Redis } from 'ioredis'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { AuthError } from '../errors.ts'
import { createRateLimits, type RateLimits } from './rate-limits.ts'

async function refusal(limits: RateLimits, key: string): Promise<AuthError> {
  const error = await limits.consume('registerIp', key).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(AuthError)
  return error as AuthError
}

describe('rate limits', () => {
  const redis = new Redis(inject('redisUrl'))
  afterAll(() => redis.disconnect())

  it('allows five registrations per IP per minute in memory, then refuses with Retry-After', async () => {
    const limits = createRateLimits()
    for (let i = 0; i < 5; i++) await limits.consume('registerIp', '10.0.0.1')
    const error = await refusal(limits, '10.0.0.1')
    expect(error.code).toBe('rate_limited')
    expect(error.retryAfter).toBeGreaterThan(0)
    await limits.consume('registerIp', '10.0.0.2')
  })

  it('shares one count between replicas through Redis, and forgets on reset', async () => {
    const key = `10.1.${Date.now() % 255}.${Math.floor(Math.random() * 255)}`
    const replicaA = createRateLimits({ redis })
    const replicaB = createRateLimits({ redis })
    for (let i = 0; i < 3; i++) await replicaA.consume('registerIp', key)
    for (let i = 0; i < 2; i++) await replicaB.consume('registerIp', key)
    expect((await refusal(replicaA, key)).code).toBe('rate_limited')
    expect((await refusal(replicaB, key)).code).toBe('rate_limited')
    await replicaA.reset('registerIp', key)
    await replicaB.consume('registerIp', key)
  })
})
