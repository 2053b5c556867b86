// The dispatcher over a real SQLite schedule and the in-app channel: due
// reminders go out once, two replicas never send one twice, retryable
// failures come back later, permanent ones fail, late ones are missed.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createManualClock } from '../channels/clock.ts'
import { createInAppChannel } from '../channels/in-app.ts'
import { createMemoryInboxStore } from '../channels/inbox-store.ts'
import type { DeliveryChannel, DeliveryResult, Notification } from '../channels/types.ts'
import { openReminderSchedule } from '../schedule/open-schedule.ts'
import type { ReminderInput, ReminderSchedule } from '../schedule/types.ts'
import { Dispatcher } from './dispatcher.ts'
import { createNotifierMetrics } from './metrics.ts'

const logger = pino({ level: 'silent' })
const MINUTE = 60_000

describe('Dispatcher', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function setup() {
    const dir = await mkdtemp(path.join(tmpdir(), 'plansync-dispatch-'))
    const schedule = await openReminderSchedule({
      kind: 'sqlite',
      file: path.join(dir, 'schedule.sqlite'),
    })
    cleanups.push(async () => {
      await schedule.close()
      await rm(dir, { recursive: true, force: true })
    })
    const clock = createManualClock(Date.parse('2026-06-06T08:00:00Z'))
    const inbox = createMemoryInboxStore()
    const metrics = createNotifierMetrics(schedule)
    const dispatcher = (owner: string, channels: DeliveryChannel[]) =>
      new Dispatcher({
        schedule,
        channels: new Map(channels.map((channel) => [channel.name, channel])),
        owner,
        clock,
        logger,
        metrics,
        intervalMs: 1000,
        batchSize: 10,
        leaseMs: MINUTE,
        retry: { baseDelayMs: 1000, maxDelayMs: 60_000 },
      })
    return {
      schedule,
      clock,
      inbox,
      metrics,
      dispatcher,
      inApp: createInAppChannel({ store: inbox }),
    }
  }

  function reminder(n: number, dueAt: number, channel = 'in-app'): ReminderInput {
    const notification: Notification = {
      kind: 'reminder',
      recipient: { userId: 'ann' },
      title: `Picnic ${n} starts in 30 minutes`,
      body: 'Riverside park',
      createdAt: dueAt,
    }
    return {
      eventId: `picnic-${n}`,
      occurrence: '2026-06-06T12:00',
      reminderId: '30',
      recipient: 'ann',
      channel,
      dueAt,
      payload: notification as unknown as ReminderInput['payload'],
    }
  }

  async function plan(schedule: ReminderSchedule, reminders: ReminderInput[], now: number) {
    await schedule.upsertForDoc('calendar:family', reminders, now)
  }

  it('sends what is due once, and nothing early', async () => {
    const { schedule, clock, inbox, dispatcher, inApp, metrics } = await setup()
    const now = clock.now()
    await plan(schedule, [reminder(1, now), reminder(2, now + 10 * MINUTE)], now)
    const one = dispatcher('a', [inApp])
    expect(await one.tick()).toBe(1)
    expect(await one.tick()).toBe(0)
    expect((await inbox.list('ann')).map((item) => item.title)).toEqual([
      'Picnic 1 starts in 30 minutes',
    ])
    clock.advance(10 * MINUTE)
    expect(await one.tick()).toBe(1)
    expect(await inbox.unreadCount('ann')).toBe(2)
    expect((await metrics.sent.get()).values[0]?.value).toBe(2)
  })

  it('never sends one reminder twice with two replicas claiming at once', async () => {
    const { schedule, clock, inbox, dispatcher, inApp } = await setup()
    const now = clock.now()
    await plan(
      schedule,
      Array.from({ length: 40 }, (_, n) => reminder(n, now - n)),
      now,
    )
    const deliveries: string[] = []
    const counting: DeliveryChannel = {
      name: 'in-app',
      async send(notification, options) {
        deliveries.push(options.idempotencyKey)
        return inApp.send(notification, options)
      },
      close: async () => {},
    }
    const a = dispatcher('a', [counting])
    const b = dispatcher('b', [counting])
    for (let round = 0; round < 6; round++) await Promise.all([a.tick(), b.tick()])
    expect(deliveries).toHaveLength(40)
    expect(new Set(deliveries).size).toBe(40)
    expect(await inbox.unreadCount('ann')).toBe(40)
  })

  it('retries a retryable failure after the asked delay, and fails a permanent one', async () => {
    const { schedule, clock, dispatcher } = await setup()
    const now = clock.now()
    await plan(schedule, [reminder(1, now, 'webhook'), reminder(2, now, 'email')], now)
    const outcomes: Record<string, DeliveryResult[]> = {
      webhook: [
        { status: 'retryable', code: 'unavailable', message: '503', retryAfterMs: 30_000 },
        { status: 'delivered' },
      ],
      email: [{ status: 'permanent', code: 'rejected', message: '550 no such user' }],
    }
    const scripted = (name: string): DeliveryChannel => ({
      name,
      send: async () => outcomes[name]?.shift() ?? { status: 'delivered' },
      close: async () => {},
    })
    const one = dispatcher('a', [scripted('webhook'), scripted('email')])
    expect(await one.tick()).toBe(2)
    const [webhookRow, emailRow] = await schedule.listForDoc('calendar:family')
    expect(webhookRow).toMatchObject({ state: 'pending', nextAttemptAt: now + 30_000 })
    expect(emailRow).toMatchObject({ state: 'failed', lastError: 'rejected: 550 no such user' })
    clock.advance(29_000)
    expect(await one.tick()).toBe(0)
    clock.advance(1_000)
    expect(await one.tick()).toBe(1)
    expect((await schedule.listForDoc('calendar:family'))[0]?.state).toBe('sent')
  })

  it('records a reminder due longer ago than the grace window as missed, never sending it', async () => {
    const { schedule, clock, inbox, dispatcher, inApp, metrics } = await setup()
    const now = clock.now()
    await plan(schedule, [reminder(1, now - 60 * MINUTE)], now - 61 * MINUTE)
    expect(await dispatcher('a', [inApp]).tick()).toBe(0)
    expect(await inbox.unreadCount('ann')).toBe(0)
    expect((await schedule.listForDoc('calendar:family'))[0]?.state).toBe('missed')
    expect((await metrics.missed.get()).values[0]?.value).toBe(1)
  })
})
