// A circuit breaker around a channel: after `failureThreshold` retryable
// failures in a row the circuit opens and sends fail fast (`circuit-open`,
// with the remaining cool-down as retryAfterMs) instead of piling onto a
// server that is down. After the cool-down one probe goes through
// (half-open): success closes the circuit, failure opens it again.
// Permanent results count as answers, not failures: the server is up, the
// message was wrong.
import { type Clock, systemClock } from './clock.ts'
import { retryable } from './results.ts'
import type { DeliveryChannel, DeliveryResult } from './types.ts'

export type BreakerState = 'closed' | 'open' | 'half-open'

export interface CircuitBreakerOptions {
  /** Consecutive retryable failures that open the circuit. Default 5. */
  readonly failureThreshold?: number
  /** How long it stays open before a probe. Default 30 s. */
  readonly coolDownMs?: number
  readonly clock?: Pick<Clock, 'now'>
  /** For logs and metrics. */
  readonly onStateChange?: (state: BreakerState) => void
}

export interface BreakerChannel extends DeliveryChannel {
  state(): BreakerState
}

export function withCircuitBreaker(
  channel: DeliveryChannel,
  options: CircuitBreakerOptions = {},
): BreakerChannel {
  const threshold = Math.max(1, options.failureThreshold ?? 5)
  const coolDownMs = options.coolDownMs ?? 30_000
  const clock = options.clock ?? systemClock
  let failures = 0
  let openedAt: number | undefined
  let probing = false

  const cooledDown = () => openedAt !== undefined && clock.now() - openedAt >= coolDownMs
  const state = (): BreakerState =>
    openedAt === undefined ? 'closed' : cooledDown() ? 'half-open' : 'open'
  const setOpen = (open: boolean) => {
    const before = state()
    openedAt = open ? clock.now() : undefined
    failures = 0
    if (state() !== before) options.onStateChange?.(state())
  }

  function record(result: DeliveryResult, probe: boolean): void {
    if (result.status === 'retryable' && result.code === 'aborted') return
    if (result.status !== 'retryable') {
      if (probe) setOpen(false)
      failures = 0
      return
    }
    failures++
    if (probe || failures >= threshold) setOpen(true)
  }

  return {
    name: channel.name,
    state,
    async send(notification, sendOptions) {
      const current = state()
      if (current === 'open') {
        const left = (openedAt ?? 0) + coolDownMs - clock.now()
        return retryable('circuit-open', `${channel.name} circuit is open`, left)
      }
      if (current === 'half-open' && probing) {
        return retryable('circuit-open', `${channel.name} circuit is probing`)
      }
      const probe = current === 'half-open'
      probing ||= probe
      try {
        const result = await channel.send(notification, sendOptions)
        record(result, probe)
        return result
      } finally {
        if (probe) probing = false
      }
    },
    close: () => channel.close(),
  }
}
