// verifyWebhookSignature on its own: header forms, rotation, malformed input.
import { describe, expect, it } from 'vitest'
import { signWebhookBody, verifyWebhookSignature, WEBHOOK_HEADERS } from './webhook-signature.ts'

const secret = 'whsec-0123456789abcdef'
const now = () => 1_700_000_000_000
const stamp = 1_700_000_000
const body = '{"id":"k1"}'

function headersFor(signature: string, timestamp = String(stamp)) {
  return { [WEBHOOK_HEADERS.signature]: signature, [WEBHOOK_HEADERS.timestamp]: timestamp }
}

describe('verifyWebhookSignature', () => {
  it('accepts a good signature from Node headers, fetch Headers and bytes', () => {
    const signature = signWebhookBody(secret, stamp, body)
    expect(verifyWebhookSignature(secret, headersFor(signature), body, { now })).toEqual({
      ok: true,
      timestamp: stamp,
    })
    const headers = new Headers({
      ...headersFor(signature),
      [WEBHOOK_HEADERS.idempotencyKey]: 'k1',
    })
    expect(verifyWebhookSignature(secret, headers, Buffer.from(body), { now })).toEqual({
      ok: true,
      timestamp: stamp,
      idempotencyKey: 'k1',
    })
  })

  it('accepts any listed signature or secret during a rotation', () => {
    const both = `${signWebhookBody('old-secret-0123456789', stamp, body)}, ${signWebhookBody(secret, stamp, body)}`
    expect(verifyWebhookSignature(secret, headersFor(both), body, { now }).ok).toBe(true)
    const single = signWebhookBody(secret, stamp, body)
    expect(
      verifyWebhookSignature(['new-secret-0123456789', secret], headersFor(single), body, { now })
        .ok,
    ).toBe(true)
  })

  it('refuses a wrong secret, a changed body or timestamp, and malformed headers', () => {
    const signature = signWebhookBody(secret, stamp, body)
    const refuse = (reason: string, ...args: Parameters<typeof verifyWebhookSignature>) =>
      expect(verifyWebhookSignature(...args)).toEqual({ ok: false, reason })
    refuse('bad-signature', 'wrong-secret-0123456', headersFor(signature), body, { now })
    refuse('bad-signature', secret, headersFor(signature), '{"id":"k2"}', { now })
    refuse('bad-signature', secret, headersFor(signature, String(stamp + 1)), body, { now })
    refuse('bad-signature', secret, headersFor(signature.slice(0, -1)), body, { now })
    refuse('bad-signature', secret, headersFor(signature.replace('v1=', 'v0=')), body, { now })
    refuse('missing-headers', secret, {}, body, { now })
    refuse('malformed-timestamp', secret, headersFor(signature, '17e8'), body, { now })
    refuse('malformed-timestamp', secret, headersFor(signature, '-1'), body, { now })
  })

  it('refuses timestamps outside the tolerance, both ways', () => {
    const at = (seconds: number) =>
      headersFor(signWebhookBody(secret, seconds, body), String(seconds))
    const check = (seconds: number) =>
      verifyWebhookSignature(secret, at(seconds), body, { now, toleranceSeconds: 60 })
    expect(check(stamp - 60).ok).toBe(true)
    expect(check(stamp + 60).ok).toBe(true)
    expect(check(stamp - 61)).toEqual({ ok: false, reason: 'stale-timestamp' })
    expect(check(stamp + 61)).toEqual({ ok: false, reason: 'stale-timestamp' })
  })
})
