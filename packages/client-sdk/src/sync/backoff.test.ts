import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff.ts'

describe('reconnect backoff', () => {
  it('doubles from the initial delay, jittered between half and all of it, capped at 30 s', () => {
    const low = (attempt: number) => backoffDelay(attempt, { random: () => 0 })
    const high = (attempt: number) => backoffDelay(attempt, { random: () => 1 })
    expect([0, 1, 2, 3].map(high)).toEqual([500, 1000, 2000, 4000])
    expect([0, 1, 2, 3].map(low)).toEqual([250, 500, 1000, 2000])
    expect(high(20)).toBe(30_000)
    expect(low(20)).toBe(15_000)
  })
})
