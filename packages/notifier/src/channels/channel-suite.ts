// The behaviour every DeliveryChannel shares, run by each channel's test
// file against a real receiver (SMTP server, HTTP receiver, inbox store).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DeliveryChannel, Notification, Recipient } from './types.ts'
import { limits } from './validate.ts'

/** One notification as the receiving end saw it. */
export interface ReceivedNotification {
  readonly idempotencyKey: string
  readonly title: string
  readonly body: string
}

export interface ChannelHarness {
  readonly channel: DeliveryChannel
  /** A recipient the channel can reach. */
  readonly recipient: Recipient
  /** What the receiver accepted so far, in order. */
  received(): Promise<readonly ReceivedNotification[]>
  /** Stops the receiver and closes the channel. */
  close(): Promise<void>
}

export function notificationFor(recipient: Recipient, patch: Partial<Notification> = {}) {
  return {
    kind: 'reminder',
    recipient,
    title: 'Dentist in 15 minutes',
    body: 'Dr. Lee, Main Street 4.\nBring the insurance card.',
    url: 'https://plansync.example/e/ev1',
    createdAt: Date.UTC(2026, 2, 1, 9, 45),
    data: { eventId: 'ev1', start: '2026-03-01T10:00:00Z' },
    ...patch,
  } satisfies Notification
}

export function describeChannel(name: string, setup: () => Promise<ChannelHarness>): void {
  describe(`DeliveryChannel: ${name}`, () => {
    let harness: ChannelHarness
    beforeEach(async () => {
      harness = await setup()
    })
    afterEach(async () => {
      await harness.close()
    })
    const send = (patch: Partial<Notification> = {}, key = 'ev1/2026-03-01/r15/u1/x') =>
      harness.channel.send(notificationFor(harness.recipient, patch), { idempotencyKey: key })

    it('delivers a notification the receiver can read', async () => {
      expect(await send()).toMatchObject({ status: 'delivered' })
      const [first, ...rest] = await harness.received()
      expect(rest).toEqual([])
      expect(first?.idempotencyKey).toBe('ev1/2026-03-01/r15/u1/x')
      expect(first?.title).toBe('Dentist in 15 minutes')
      expect(first?.body).toContain('Bring the insurance card.')
    })

    it('carries the same idempotency key on every retry of one notification', async () => {
      expect(await send({}, 'k-same')).toMatchObject({ status: 'delivered' })
      expect(await send({}, 'k-same')).toMatchObject({ status: 'delivered' })
      const keys = (await harness.received()).map((item) => item.idempotencyKey)
      expect(keys.length).toBeGreaterThanOrEqual(1)
      expect(new Set(keys)).toEqual(new Set(['k-same']))
    })

    it('keeps notifications with different keys apart', async () => {
      await send({ title: 'first' }, 'k-1')
      await send({ title: 'second' }, 'k-2')
      const received = await harness.received()
      expect(received.map((item) => [item.idempotencyKey, item.title])).toEqual([
        ['k-1', 'first'],
        ['k-2', 'second'],
      ])
    })

    it('refuses a title with CR/LF as header injection and sends nothing', async () => {
      for (const title of ['Hi\r\nBcc: victim@example.com', 'Hi\nX-Evil: 1', 'Hi\r']) {
        const result = await send({ title })
        expect(result).toMatchObject({ status: 'permanent', code: 'header-injection' })
        expect(result.status !== 'delivered' && result.message).toMatch(/title.*line break/)
      }
      expect(await harness.received()).toEqual([])
    })

    it('refuses an oversized body or title and sends nothing', async () => {
      const body = 'x'.repeat(limits.bodyBytes + 1)
      expect(await send({ body })).toMatchObject({ status: 'permanent', code: 'payload-too-large' })
      const title = 't'.repeat(limits.titleChars + 1)
      expect(await send({ title })).toMatchObject({
        status: 'permanent',
        code: 'payload-too-large',
      })
      expect(await harness.received()).toEqual([])
    })

    it('refuses an unusable idempotency key or url', async () => {
      for (const key of [
        '',
        'has space',
        'line\nbreak',
        'k'.repeat(limits.idempotencyKeyChars + 1),
      ]) {
        expect(await send({}, key)).toMatchObject({ status: 'permanent' })
      }
      expect(await send({ url: 'javascript:alert(1)' })).toMatchObject({
        status: 'permanent',
        code: 'invalid-notification',
      })
      expect(await harness.received()).toEqual([])
    })

    it('does not start a send whose signal is already aborted', async () => {
      const result = await harness.channel.send(notificationFor(harness.recipient), {
        idempotencyKey: 'k-aborted',
        signal: AbortSignal.abort(),
      })
      expect(result).toMatchObject({ status: 'retryable', code: 'aborted' })
      expect(await harness.received()).toEqual([])
    })
  })
}
