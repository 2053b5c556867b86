// The circuit breaker with a scripted channel and a manual clock.
import { describe, expect, it } from 'vitest'
import { notificationFor } from './channel-suite.ts'
import { type BreakerState, withCircuitBreaker } from './circuit-breaker.ts'
import { createManualClock } from './clock.ts'
import { delivered, permanent, retryable } from './results.ts'
import type { DeliveryChannel, DeliveryResult } from './types.ts'

/** A channel whose answer the test sets; `holdNext` keeps the next delivery pending until `release`. */
function switchable() {
  const state = { next: delivered() as DeliveryResult, calls: 0 }
  let hold = false
  let release: (() => void) | undefined
  const channel: DeliveryChannel = {
    name: 'test',
    async send() {
      state.calls++
      if (release === undefined && state.next.status === 'delivered' && hold) {
        await new Promise<void>((resolve) => {
          release = resolve
        })
      }
      return state.next
    },
    async close() {},
  }
  return {
    channel,
    state,
    holdNext() {
      hold = true
    },
    release() {
      hold = false
      release?.()
    },
  }
}

const send = (channel: DeliveryChannel) =>
  channel.send(notificationFor({ userId: 'u1' }), { idempotencyKey: 'k1' })
const down = retryable('unavailable', 'down')

describe('withCircuitBreaker', () => {
  it('opens after N consecutive failures and fails fast with the cool-down left', async () => {
    const target = switchable()
    const clock = createManualClock()
    const breaker = withCircuitBreaker(target.channel, {
      failureThreshold: 3,
      coolDownMs: 10_000,
      clock,
    })
    target.state.next = down
    await send(breaker)
    await send(breaker)
    expect(breaker.state()).toBe('closed')
    await send(breaker)
    expect(breaker.state()).toBe('open')
    clock.advance(4_000)
    expect(await send(breaker)).toEqual({
      status: 'retryable',
      code: 'circuit-open',
      message: 'test circuit is open',
      retryAfterMs: 6_000,
    })
    expect(target.state.calls).toBe(3)
  })

  it('resets the count on success and ignores permanent failures and aborts', async () => {
    const target = switchable()
    const breaker = withCircuitBreaker(target.channel, {
      failureThreshold: 2,
      clock: createManualClock(),
    })
    for (const next of [down, delivered(), down, permanent('rejected', '400'), down]) {
      target.state.next = next
      await send(breaker)
    }
    target.state.next = retryable('aborted', 'shutdown')
    await send(breaker)
    expect(breaker.state()).toBe('closed')
    target.state.next = down
    await send(breaker)
    expect(breaker.state()).toBe('open')
  })

  it('lets one probe through after the cool-down: success closes, failure reopens', async () => {
    const target = switchable()
    const clock = createManualClock()
    const states: BreakerState[] = []
    const breaker = withCircuitBreaker(target.channel, {
      failureThreshold: 1,
      coolDownMs: 5_000,
      clock,
      onStateChange: (state) => states.push(state),
    })
    target.state.next = down
    await send(breaker)
    clock.advance(5_000)
    expect(breaker.state()).toBe('half-open')
    await send(breaker) // the probe fails
    expect(breaker.state()).toBe('open')
    expect(target.state.calls).toBe(2)

    clock.advance(5_000)
    target.state.next = delivered()
    target.holdNext()
    const probe = send(breaker)
    // While the probe is out, others fail fast.
    expect(await send(breaker)).toMatchObject({ code: 'circuit-open' })
    target.release()
    expect(await probe).toEqual(delivered())
    expect(breaker.state()).toBe('closed')
    expect(states).toEqual(['open', 'open', 'closed'])
  })
})
