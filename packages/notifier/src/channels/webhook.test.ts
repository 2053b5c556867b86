// Webhooks against a local node:http receiver on 127.0.0.1 that checks every
// request with verifyWebhookSignature: the shared suite, signature refusals,
// status handling with the retry wrapper, and hostile endpoints.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { describeChannel, notificationFor } from './channel-suite.ts'
import { createManualClock } from './clock.ts'
import { withRetry } from './retry.ts'
import { assertWebhookEndpoint, createWebhookChannel } from './webhook.ts'
import { verifyWebhookSignature, type WebhookVerification } from './webhook-signature.ts'

const SECRET = 'whsec-0123456789abcdef'

interface ReceivedRequest {
  headers: IncomingHttpHeaders
  body: string
  verdict: WebhookVerification
  status: number
}

interface Reply {
  status: number
  headers?: Record<string, string>
  /** Never answer (for timeouts). */
  hang?: boolean
}

/** A receiver that verifies signatures (401 when bad) and answers scripted replies, then 200. */
async function startReceiver(options: { now?: () => number } = {}) {
  const requests: ReceivedRequest[] = []
  const replies: Reply[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const verdict = verifyWebhookSignature(SECRET, req.headers, body, {
        toleranceSeconds: 300,
        ...(options.now ? { now: options.now } : {}),
      })
      const reply: Reply = verdict.ok ? (replies.shift() ?? { status: 200 }) : { status: 401 }
      requests.push({
        headers: req.headers,
        body: body.toString('utf8'),
        verdict,
        status: reply.status,
      })
      if (reply.hang) return
      res.writeHead(reply.status, reply.headers).end(reply.status === 200 ? 'ok' : 'no')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/plansync`,
    requests,
    replies,
    /** The requests the receiver accepted. */
    accepted: () => requests.filter((r) => r.verdict.ok && r.status >= 200 && r.status < 300),
    close() {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const bob = { userId: 'u2', email: 'bob@example.com' }

describeChannel('webhook', async () => {
  const receiver = await startReceiver()
  const channel = createWebhookChannel({
    resolveEndpoint: () => ({ url: receiver.url, secret: SECRET }),
  })
  return {
    channel,
    recipient: bob,
    async received() {
      return receiver.accepted().map((request) => {
        const json = JSON.parse(request.body) as { id: string; title: string; body: string }
        return { idempotencyKey: json.id, title: json.title, body: json.body }
      })
    },
    async close() {
      await channel.close()
      await receiver.close()
    },
  }
})

describe('webhook channel', () => {
  let stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const stop of stops.reverse()) await stop()
    stops = []
  })
  async function setup(
    options: { secret?: string; clockOffsetMs?: number; timeoutMs?: number } = {},
  ) {
    const receiver = await startReceiver()
    stops.push(receiver.close)
    const clock = createManualClock(Date.now() + (options.clockOffsetMs ?? 0))
    const channel = createWebhookChannel({
      resolveEndpoint: () => ({ url: receiver.url, secret: options.secret ?? SECRET }),
      clock,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    })
    return { receiver, channel, clock }
  }
  const send = (channel: ReturnType<typeof createWebhookChannel>, key = 'ev1/occ/r15/u2/webhook') =>
    channel.send(notificationFor(bob), { idempotencyKey: key })

  it('posts signed JSON with the timestamp and idempotency key headers', async () => {
    const { receiver, channel, clock } = await setup()
    expect(await send(channel)).toEqual({ status: 'delivered', detail: 'HTTP 200' })
    const [request] = receiver.requests
    expect(request?.verdict).toEqual({
      ok: true,
      timestamp: Math.floor(clock.now() / 1000),
      idempotencyKey: 'ev1/occ/r15/u2/webhook',
    })
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(request?.headers['x-plansync-signature']).toMatch(/^v1=[0-9a-f]{64}$/)
    expect(JSON.parse(request?.body ?? '')).toEqual({
      id: 'ev1/occ/r15/u2/webhook',
      kind: 'reminder',
      createdAt: '2026-03-01T09:45:00.000Z',
      recipient: { userId: 'u2' },
      title: 'Dentist in 15 minutes',
      body: 'Dr. Lee, Main Street 4.\nBring the insurance card.',
      url: 'https://plansync.example/e/ev1',
      data: { eventId: 'ev1', start: '2026-03-01T10:00:00Z' },
    })
  })

  it('is refused by the receiver when signed with the wrong secret', async () => {
    const { receiver, channel } = await setup({ secret: 'another-secret-0123456789' })
    expect(await send(channel)).toEqual({
      status: 'permanent',
      code: 'rejected',
      message: 'webhook answered HTTP 401',
    })
    expect(receiver.requests.map((r) => r.verdict)).toEqual([
      { ok: false, reason: 'bad-signature' },
    ])
  })

  it('is refused by the receiver when the body was tampered with', async () => {
    const { receiver, channel } = await setup()
    await send(channel)
    const [original] = receiver.requests
    const headers = {
      'content-type': 'application/json',
      'x-plansync-timestamp': String(original?.headers['x-plansync-timestamp']),
      'x-plansync-signature': String(original?.headers['x-plansync-signature']),
    }
    const tampered = (original?.body ?? '').replace('Dentist', 'Dentlst')
    const replay = await fetch(receiver.url, { method: 'POST', headers, body: tampered })
    expect(replay.status).toBe(401)
    const untouched = await fetch(receiver.url, {
      method: 'POST',
      headers,
      body: original?.body ?? '',
    })
    expect(untouched.status).toBe(200)
    expect(receiver.requests.map((r) => r.verdict.ok)).toEqual([true, false, true])
  })

  it('is refused by the receiver when the timestamp is stale', async () => {
    const { receiver, channel } = await setup({ clockOffsetMs: -10 * 60_000 })
    expect(await send(channel)).toMatchObject({ status: 'permanent', code: 'rejected' })
    expect(receiver.requests.map((r) => r.verdict)).toEqual([
      { ok: false, reason: 'stale-timestamp' },
    ])
  })

  it('refuses a captured request replayed after the tolerance', async () => {
    const { receiver, channel } = await setup()
    await send(channel)
    const [original] = receiver.requests
    const later = Date.now() + 6 * 60_000
    const verdict = verifyWebhookSignature(SECRET, original?.headers ?? {}, original?.body ?? '', {
      toleranceSeconds: 300,
      now: () => later,
    })
    expect(verdict).toEqual({ ok: false, reason: 'stale-timestamp' })
  })

  it('retries a 500 and delivers on the 200, with the same key and a fresh signature', async () => {
    const { receiver, channel } = await setup()
    receiver.replies.push({ status: 500 })
    const clock = createManualClock()
    const retrying = withRetry(channel, {
      maxAttempts: 3,
      baseDelayMs: 200,
      clock,
      random: () => 1,
    })
    expect(await send(retrying)).toEqual({ status: 'delivered', detail: 'HTTP 200' })
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 200])
    expect(receiver.requests.every((r) => r.verdict.ok)).toBe(true)
    expect(new Set(receiver.requests.map((r) => r.headers['x-plansync-idempotency-key']))).toEqual(
      new Set(['ev1/occ/r15/u2/webhook']),
    )
    expect(clock.sleeps).toEqual([200])
  })

  it('treats a 400 as permanent and does not retry it', async () => {
    const { receiver, channel } = await setup()
    receiver.replies.push({ status: 400 })
    const retrying = withRetry(channel, { maxAttempts: 3, clock: createManualClock() })
    expect(await send(retrying)).toMatchObject({ status: 'permanent', code: 'rejected' })
    expect(receiver.requests).toHaveLength(1)
  })

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const { receiver, channel, clock: channelClock } = await setup()
    receiver.replies.push(
      { status: 503, headers: { 'retry-after': '7' } },
      {
        status: 429,
        headers: { 'retry-after': new Date(channelClock.now() + 30_000).toUTCString() },
      },
    )
    const clock = createManualClock()
    const retrying = withRetry(channel, { maxAttempts: 3, clock })
    expect(await send(retrying)).toMatchObject({ status: 'delivered' })
    expect(clock.sleeps[0]).toBe(7_000)
    // An HTTP date has whole seconds: up to one second less than asked.
    expect(clock.sleeps[1]).toBeGreaterThan(28_900)
    expect(clock.sleeps[1]).toBeLessThanOrEqual(30_000)
  })

  it('hands a Retry-After longer than the in-process limit back to the caller', async () => {
    const { receiver, channel } = await setup()
    receiver.replies.push({ status: 503, headers: { 'retry-after': '3600' } })
    const clock = createManualClock()
    const retrying = withRetry(channel, { maxAttempts: 3, maxDelayMs: 30_000, clock })
    expect(await send(retrying)).toEqual({
      status: 'retryable',
      code: 'unavailable',
      message: 'webhook answered HTTP 503',
      retryAfterMs: 3_600_000,
    })
    expect(clock.sleeps).toEqual([])
    expect(receiver.requests).toHaveLength(1)
  })

  it('does not follow redirects', async () => {
    const { receiver, channel } = await setup()
    receiver.replies.push({ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } })
    expect(await send(channel)).toMatchObject({ status: 'permanent', code: 'rejected' })
    expect(receiver.requests).toHaveLength(1)
  })

  it('reports a closed port as a retryable network failure', async () => {
    const { receiver, channel } = await setup()
    await receiver.close()
    expect(await send(channel)).toMatchObject({ status: 'retryable', code: 'network' })
  })

  it('gives up on a receiver that never answers after the timeout', async () => {
    const { receiver, channel } = await setup({ timeoutMs: 200 })
    receiver.replies.push({ status: 200, hang: true })
    expect(await send(channel)).toEqual({
      status: 'retryable',
      code: 'network',
      message: 'no response within 200 ms',
    })
  })

  it('reports an abort during the request as aborted', async () => {
    const { receiver, channel } = await setup()
    receiver.replies.push({ status: 200, hang: true })
    const result = await channel.send(notificationFor(bob), {
      idempotencyKey: 'k1',
      signal: AbortSignal.timeout(100),
    })
    expect(result).toMatchObject({ status: 'retryable', code: 'aborted' })
  })

  it('accepts only http(s) endpoints with a usable secret, with a clear error', async () => {
    const bad = [
      ['file:///etc/passwd', /webhook url must be http: or https:, not file:/],
      ['ftp://127.0.0.1/x', /webhook url must be http: or https:, not ftp:/],
      ['javascript:alert(1)', /not javascript:/],
      ['not a url', /webhook url is not an absolute URL/],
      ['http://user:pw@127.0.0.1/x', /must not carry credentials/],
    ] as const
    for (const [url, message] of bad) {
      expect(() => assertWebhookEndpoint({ url, secret: SECRET })).toThrow(message)
      const channel = createWebhookChannel({ resolveEndpoint: () => ({ url, secret: SECRET }) })
      const result = await send(channel)
      expect(result).toMatchObject({ status: 'permanent', code: 'invalid-endpoint' })
      expect(result.status !== 'delivered' && result.message).toMatch(message)
    }
    expect(() => assertWebhookEndpoint({ url: 'https://127.0.0.1/x', secret: 'short' })).toThrow(
      'webhook secret must be at least 16 characters',
    )
  })

  it('reports a recipient without an endpoint as permanent', async () => {
    const channel = createWebhookChannel({ resolveEndpoint: () => undefined })
    expect(await send(channel)).toEqual({
      status: 'permanent',
      code: 'invalid-endpoint',
      message: 'user u2 has no webhook endpoint',
    })
  })

  it('refuses a body over the size limit without sending', async () => {
    const receiver = await startReceiver()
    stops.push(receiver.close)
    const channel = createWebhookChannel({
      resolveEndpoint: () => ({ url: receiver.url, secret: SECRET }),
      maxBodyBytes: 2_048,
    })
    const notification = notificationFor(bob, { body: 'x'.repeat(4_000) })
    expect(await channel.send(notification, { idempotencyKey: 'k1' })).toEqual({
      status: 'permanent',
      code: 'payload-too-large',
      message: 'webhook body is larger than 2048 bytes',
    })
    expect(receiver.requests).toEqual([])
  })
})
