// Webhook delivery: an HTTP POST of the notification as JSON, signed (see
// webhook-signature.ts). 2xx is delivered; 408, 425, 429 and 5xx are worth
// retrying, honouring Retry-After; any other status is a refusal. Redirects
// are not followed: the registered URL is the only target.
import { type Clock, systemClock } from './clock.ts'
import { DeliveryRefusal, delivered, permanent, resultOfError, retryable } from './results.ts'
import { parseRetryAfter } from './retry-after.ts'
import type { DeliveryChannel, DeliveryResult, Recipient } from './types.ts'
import { assertHttpUrl, assertNotification } from './validate.ts'
import { signWebhookBody, WEBHOOK_HEADERS } from './webhook-signature.ts'

export interface WebhookEndpoint {
  /** An absolute http(s) URL. */
  readonly url: string
  /** Shared with the receiver; at least 16 characters. */
  readonly secret: string
}

export interface WebhookChannelOptions {
  /** Where a recipient's webhooks go; undefined when the user has none. */
  resolveEndpoint(
    recipient: Recipient,
  ): WebhookEndpoint | undefined | Promise<WebhookEndpoint | undefined>
  /** Per request, connect to last byte of the headers. Default 10 s. */
  readonly timeoutMs?: number
  /** Largest JSON body sent. Default 64 KiB. */
  readonly maxBodyBytes?: number
  /** Supplies the signed timestamp. */
  readonly clock?: Pick<Clock, 'now'>
}

const RETRYABLE_STATUS = new Set([408, 425, 429])
const MIN_SECRET_CHARS = 16

/** Refuses an unusable endpoint with a clear message; call it when a user registers one too. */
export function assertWebhookEndpoint(endpoint: WebhookEndpoint): URL {
  const url = assertHttpUrl(endpoint.url, 'webhook url', 'invalid-endpoint')
  if (endpoint.secret.length < MIN_SECRET_CHARS) {
    throw new DeliveryRefusal(
      'invalid-endpoint',
      `webhook secret must be at least ${MIN_SECRET_CHARS} characters`,
    )
  }
  return url
}

export function createWebhookChannel(options: WebhookChannelOptions): DeliveryChannel {
  const timeoutMs = options.timeoutMs ?? 10_000
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024
  const clock = options.clock ?? systemClock

  async function post(
    url: URL,
    secret: string,
    body: string,
    idempotencyKey: string,
    signal: AbortSignal | undefined,
  ): Promise<DeliveryResult> {
    const timestamp = Math.floor(clock.now() / 1000)
    const timeout = AbortSignal.timeout(timeoutMs)
    let response: Response
    try {
      response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'plansync-notifier',
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: signWebhookBody(secret, timestamp, body),
          [WEBHOOK_HEADERS.idempotencyKey]: idempotencyKey,
        },
        body,
      })
    } catch (error) {
      if (signal?.aborted) return retryable('aborted', 'the send was aborted; it may still arrive')
      if (timeout.aborted) return retryable('network', `no response within ${timeoutMs} ms`)
      const cause = (error as { cause?: { code?: string; message?: string } }).cause
      return retryable(
        'network',
        `webhook request failed: ${cause?.code ?? cause?.message ?? error}`,
      )
    }
    // The answer is the status; drop the body so the connection can be reused.
    await response.body?.cancel().catch(() => {})
    const { status } = response
    if (status >= 200 && status < 300) return delivered(`HTTP ${status}`)
    if (status >= 500 || RETRYABLE_STATUS.has(status)) {
      const wait = parseRetryAfter(response.headers.get('retry-after'), clock.now())
      return retryable('unavailable', `webhook answered HTTP ${status}`, wait)
    }
    if (status >= 300 && status < 400) {
      return permanent('rejected', `webhook answered a redirect (HTTP ${status}); not followed`)
    }
    return permanent('rejected', `webhook answered HTTP ${status}`)
  }

  return {
    name: 'webhook',
    async send(notification, { idempotencyKey, signal }) {
      if (signal?.aborted) return retryable('aborted', 'the send was aborted before it started')
      try {
        assertNotification(notification, idempotencyKey)
        const endpoint = await options.resolveEndpoint(notification.recipient)
        if (!endpoint) {
          return permanent(
            'invalid-endpoint',
            `user ${notification.recipient.userId} has no webhook endpoint`,
          )
        }
        const url = assertWebhookEndpoint(endpoint)
        const body = JSON.stringify({
          id: idempotencyKey,
          kind: notification.kind,
          createdAt: new Date(notification.createdAt).toISOString(),
          // Only the user id: addresses and phone numbers stay with us.
          recipient: { userId: notification.recipient.userId },
          title: notification.title,
          body: notification.body,
          url: notification.url ?? null,
          data: notification.data ?? {},
        })
        if (Buffer.byteLength(body) > maxBodyBytes) {
          return permanent('payload-too-large', `webhook body is larger than ${maxBodyBytes} bytes`)
        }
        return await post(url, endpoint.secret, body, idempotencyKey, signal)
      } catch (error) {
        return resultOfError(error, signal)
      }
    },
    async close() {},
  }
}
