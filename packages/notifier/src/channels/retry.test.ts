// The retry wrapper with a scripted channel and a manual clock.
import { describe, expect, it } from 'vitest'
import { notificationFor } from './channel-suite.ts'
import { createManualClock } from './clock.ts'
import { delivered, permanent, retryable } from './results.ts'
import { backoffDelay, withRetry } from './retry.ts'
import type { DeliveryChannel, DeliveryResult } from './types.ts'

/** Answers the scripted results in order, then delivered. */
function scripted(results: DeliveryResult[]) {
  const calls: string[] = []
  const channel: DeliveryChannel = {
    name: 'scripted',
    async send(_notification, { idempotencyKey }) {
      calls.push(idempotencyKey)
      return results.shift() ?? delivered()
    },
    async close() {},
  }
  return { channel, calls }
}

const send = (channel: DeliveryChannel, signal?: AbortSignal) =>
  channel.send(notificationFor({ userId: 'u1' }), {
    idempotencyKey: 'k1',
    ...(signal ? { signal } : {}),
  })
const down = retryable('unavailable', 'down')

describe('withRetry', () => {
  it('backs off exponentially with jitter inside [ceiling/2, ceiling], capped', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, 100, 1_000, () => 1))
    expect(ceilings).toEqual([100, 200, 400, 800, 1_000, 1_000])
    const floors = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, 100, 1_000, () => 0))
    expect(floors).toEqual([50, 100, 200, 400, 500, 500])
    expect(backoffDelay(3, 100, 1_000, () => 0.5)).toBe(300)
  })

  it('retries retryable results until delivered, sleeping between attempts', async () => {
    const { channel, calls } = scripted([down, down])
    const clock = createManualClock()
    const retrying = withRetry(channel, {
      maxAttempts: 5,
      baseDelayMs: 100,
      clock,
      random: () => 1,
    })
    expect(await send(retrying)).toEqual({ status: 'delivered' })
    expect(calls).toEqual(['k1', 'k1', 'k1'])
    expect(clock.sleeps).toEqual([100, 200])
  })

  it('stops after maxAttempts and returns the last failure', async () => {
    const { channel, calls } = scripted([down, down, retryable('network', 'reset')])
    const clock = createManualClock()
    const retrying = withRetry(channel, { maxAttempts: 3, clock, random: () => 0 })
    expect(await send(retrying)).toEqual(retryable('network', 'reset'))
    expect(calls).toHaveLength(3)
    expect(clock.sleeps).toHaveLength(2)
  })

  it('returns permanent failures at once', async () => {
    const { channel, calls } = scripted([permanent('rejected', 'HTTP 400')])
    const retrying = withRetry(channel, { clock: createManualClock() })
    expect(await send(retrying)).toEqual(permanent('rejected', 'HTTP 400'))
    expect(calls).toHaveLength(1)
  })

  it('waits what Retry-After asks, or hands a long wait back', async () => {
    const short = scripted([retryable('unavailable', '503', 2_500)])
    const clock = createManualClock()
    await send(withRetry(short.channel, { clock }))
    expect(clock.sleeps).toEqual([2_500])
    const long = scripted([retryable('circuit-open', 'open', 120_000)])
    const result = await send(withRetry(long.channel, { maxDelayMs: 30_000, clock }))
    expect(result).toEqual(retryable('circuit-open', 'open', 120_000))
    expect(long.calls).toHaveLength(1)
  })

  it('stops waiting when aborted', async () => {
    const { channel, calls } = scripted([down, down])
    const controller = new AbortController()
    const clock = createManualClock()
    const retrying = withRetry(channel, {
      clock: {
        now: clock.now,
        sleep: async (ms, signal) => {
          controller.abort()
          return clock.sleep(ms, signal)
        },
      },
    })
    expect(await send(retrying, controller.signal)).toMatchObject({
      status: 'retryable',
      code: 'aborted',
    })
    expect(calls).toHaveLength(1)
  })
})
