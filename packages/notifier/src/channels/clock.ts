// Time as a dependency, so retry and breaker tests run without waiting.
import { setTimeout as delay } from 'node:timers/promises'

export interface Clock {
  now(): number
  /** Resolves after `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal ? { signal } : {}),
}

export interface ManualClock extends Clock {
  /** Moves time forward without waiting. */
  advance(ms: number): void
  /** Every `sleep` asked for, in order. */
  readonly sleeps: readonly number[]
}

/** A clock for tests: `sleep` advances time at once instead of waiting. */
export function createManualClock(start = 1_700_000_000_000): ManualClock {
  let now = start
  const sleeps: number[] = []
  return {
    now: () => now,
    sleeps,
    advance(ms) {
      now += ms
    },
    async sleep(ms, signal) {
      signal?.throwIfAborted()
      sleeps.push(ms)
      now += ms
    },
  }
}
