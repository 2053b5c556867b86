// Retries a channel's retryable results in-process, a few times with
// exponential backoff and jitter. Waits longer than `maxDelayMs` (a long
// Retry-After, an open breaker) are not slept through: the last result goes
// back to the caller, whose durable schedule retries later (markFailed with
// a retry time), so a delivery never holds its lease for long.
import { type Clock, systemClock } from './clock.ts'
import { retryable } from './results.ts'
import type { DeliveryChannel, DeliveryResult } from './types.ts'

export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  readonly maxAttempts?: number
  /** The first backoff ceiling; doubles each attempt. Default 500 ms. */
  readonly baseDelayMs?: number
  /** The longest wait slept in-process. Default 30 s. */
  readonly maxDelayMs?: number
  readonly clock?: Clock
  /** In [0, 1); injectable for tests. */
  readonly random?: () => number
}

/**
 * "Equal jitter": half the exponential ceiling plus a random share of the
 * other half, so retries spread out yet never come back at once.
 */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

export function withRetry(channel: DeliveryChannel, options: RetryOptions = {}): DeliveryChannel {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3)
  const baseDelayMs = options.baseDelayMs ?? 500
  const maxDelayMs = options.maxDelayMs ?? 30_000
  const clock = options.clock ?? systemClock
  const random = options.random ?? Math.random

  return {
    name: channel.name,
    async send(notification, sendOptions) {
      let result: DeliveryResult = retryable('unexpected', 'not attempted')
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        result = await channel.send(notification, sendOptions)
        if (result.status !== 'retryable' || result.code === 'aborted') return result
        if (attempt === maxAttempts) return result
        const wait = result.retryAfterMs ?? backoffDelay(attempt, baseDelayMs, maxDelayMs, random)
        if (wait > maxDelayMs) return result
        try {
          await clock.sleep(wait, sendOptions.signal)
        } catch {
          return retryable('aborted', `aborted while waiting to retry after: ${result.message}`)
        }
      }
      return result
    },
    close: () => channel.close(),
  }
}
