// Webhook signatures, for the sender and for receivers.
//
//   x-plansync-timestamp: <unix seconds>
//   x-plansync-signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>[,v1=<...>]
//   x-plansync-idempotency-key: <same on every retry of one notification>
//
// The timestamp is inside the MAC so a captured request cannot be replayed
// later than the tolerance; receivers dedupe within it by the idempotency
// key. Several v1 values may be present while a secret is being rotated.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const WEBHOOK_HEADERS = {
  signature: 'x-plansync-signature',
  timestamp: 'x-plansync-timestamp',
  idempotencyKey: 'x-plansync-idempotency-key',
} as const

export function signWebhookBody(
  secret: string,
  timestampSeconds: number,
  body: string | Uint8Array,
): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body)
  return `v1=${mac.digest('hex')}`
}

/** A fetch `Headers`, or Node's `IncomingHttpHeaders` (lower-case names). */
export type WebhookHeaders =
  | Headers
  | { readonly [name: string]: string | readonly string[] | undefined }

export type WebhookVerification =
  | { readonly ok: true; readonly timestamp: number; readonly idempotencyKey?: string }
  | {
      readonly ok: false
      readonly reason:
        | 'missing-headers'
        | 'malformed-timestamp'
        | 'stale-timestamp'
        | 'bad-signature'
    }

export interface VerifyOptions {
  /** How far the timestamp may be from now, either way. Default 300 s. */
  readonly toleranceSeconds?: number
  /** Epoch milliseconds; defaults to Date.now. */
  readonly now?: () => number
}

/**
 * Checks a received webhook against one secret (or several during a
 * rotation). Pass the raw body bytes as received, not re-serialised JSON.
 */
export function verifyWebhookSignature(
  secret: string | readonly string[],
  headers: WebhookHeaders,
  body: string | Uint8Array,
  options: VerifyOptions = {},
): WebhookVerification {
  const signature = header(headers, WEBHOOK_HEADERS.signature)
  const stamp = header(headers, WEBHOOK_HEADERS.timestamp)
  if (signature === undefined || stamp === undefined)
    return { ok: false, reason: 'missing-headers' }
  if (!/^\d{1,12}$/.test(stamp)) return { ok: false, reason: 'malformed-timestamp' }
  const timestamp = Number(stamp)
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000)
  if (Math.abs(nowSeconds - timestamp) > (options.toleranceSeconds ?? 300)) {
    return { ok: false, reason: 'stale-timestamp' }
  }
  const offered = signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
  const secrets = typeof secret === 'string' ? [secret] : secret
  let match = false
  // Compare every pair without stopping early: timing reveals nothing about which matched.
  for (const candidate of secrets) {
    const expected = Buffer.from(signWebhookBody(candidate, timestamp, body))
    for (const value of offered) {
      const given = Buffer.from(value)
      if (given.length === expected.length && timingSafeEqual(given, expected)) match = true
    }
  }
  if (!match) return { ok: false, reason: 'bad-signature' }
  const idempotencyKey = header(headers, WEBHOOK_HEADERS.idempotencyKey)
  return idempotencyKey === undefined
    ? { ok: true, timestamp }
    : { ok: true, timestamp, idempotencyKey }
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  const value = headers[name]
  return typeof value === 'string' ? value : value?.[0]
}
