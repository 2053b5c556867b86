// The behaviour suite the reminder schedule runs on each store (sqlite.test.ts, postgres.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openReminderSchedule, type ScheduleStorage } from './open-schedule.ts'
import { reminderKey } from './reminder-key.ts'
import type { ReminderInput, ReminderSchedule, ScheduleOptions } from './types.ts'

export interface TestStorage {
  readonly storage: ScheduleStorage
  /** Removes the storage once every schedule on it is closed. */
  drop(): Promise<void>
}

const T0 = Date.UTC(2026, 2, 1, 9, 0)
const MINUTE = 60_000
const LEASE = 30_000

function reminder(patch: Partial<ReminderInput> = {}): ReminderInput {
  return {
    eventId: 'ev1',
    occurrence: '2026-03-01T10:00:00Z',
    reminderId: 'r15',
    recipient: 'u1',
    channel: 'email',
    dueAt: T0,
    payload: { title: 'Dentist in 15 minutes' },
    ...patch,
  }
}

export function describeReminderSchedule(name: string, makeStorage: () => Promise<TestStorage>) {
  describe(`ReminderSchedule: ${name}`, () => {
    let storage: TestStorage
    let open: ReminderSchedule[] = []
    /** Opens (or reopens) a schedule on this test's storage: a replica, or a restart. */
    const openSchedule = async (options: ScheduleOptions = {}) => {
      const schedule = await openReminderSchedule(storage.storage, options)
      open.push(schedule)
      return schedule
    }
    const close = async (schedule: ReminderSchedule) => {
      open = open.filter((s) => s !== schedule)
      await schedule.close()
    }
    beforeEach(async () => {
      storage = await makeStorage()
    })
    afterEach(async () => {
      for (const schedule of open) await schedule.close()
      open = []
      await storage.drop()
    })

    it('inserts a doc’s reminders as pending under their idempotency key', async () => {
      const schedule = await openSchedule()
      const result = await schedule.upsertForDoc(
        'calendar:c1',
        [reminder(), reminder({ channel: 'webhook', dueAt: T0 + MINUTE })],
        T0 - 60 * MINUTE,
      )
      expect(result).toEqual({ inserted: 2, rescheduled: 0, cancelled: 0 })
      const key = reminderKey(reminder())
      expect(key).toBe('ev1/2026-03-01T10%3A00%3A00Z/r15/u1/email')
      expect(await schedule.get(key)).toEqual({
        key,
        doc: 'calendar:c1',
        eventId: 'ev1',
        occurrence: '2026-03-01T10:00:00Z',
        reminderId: 'r15',
        recipient: 'u1',
        channel: 'email',
        dueAt: T0,
        payload: { title: 'Dentist in 15 minutes' },
        state: 'pending',
        attempts: 0,
        nextAttemptAt: T0,
        leaseOwner: null,
        leaseExpiresAt: null,
        lastError: null,
        sentAt: null,
        createdAt: T0 - 60 * MINUTE,
        updatedAt: T0 - 60 * MINUTE,
      })
      expect((await schedule.listForDoc('calendar:c1')).map((r) => r.channel)).toEqual([
        'email',
        'webhook',
      ])
      // The same set again changes nothing.
      expect(await schedule.upsertForDoc('calendar:c1', [reminder()], T0 - MINUTE)).toEqual({
        inserted: 0,
        rescheduled: 0,
        cancelled: 1,
      })
    })

    it('claims only what is due, in due order, up to the limit, leased to the owner', async () => {
      const schedule = await openSchedule()
      await schedule.upsertForDoc(
        'calendar:c1',
        [1, 3, 2, 4].map((n) => reminder({ reminderId: `r${n}`, dueAt: T0 + n * MINUTE })),
        T0,
      )
      expect((await schedule.claimDue(T0, 'a', 10, LEASE)).claimed).toEqual([])
      const { claimed } = await schedule.claimDue(T0 + 3 * MINUTE, 'a', 2, LEASE)
      expect(claimed.map((r) => [r.reminderId, r.state, r.leaseOwner, r.attempts])).toEqual([
        ['r1', 'claimed', 'a', 1],
        ['r2', 'claimed', 'a', 1],
      ])
      expect(claimed[0]?.leaseExpiresAt).toBe(T0 + 3 * MINUTE + LEASE)
      const next = await schedule.claimDue(T0 + 3 * MINUTE, 'a', 10, LEASE)
      expect(next.claimed.map((r) => r.reminderId)).toEqual(['r3'])
    })

    it('never lets a live lease be taken; an expired one comes back to another replica', async () => {
      const a = await openSchedule()
      const b = await openSchedule()
      await a.upsertForDoc('calendar:c1', [reminder()], T0)
      const key = reminderKey(reminder())
      expect((await a.claimDue(T0, 'replica-a', 10, LEASE)).claimed).toHaveLength(1)
      expect((await b.claimDue(T0 + LEASE - 1, 'replica-b', 10, LEASE)).claimed).toEqual([])
      // replica-a "crashed": its lease runs out and replica-b takes over.
      const retaken = await b.claimDue(T0 + LEASE, 'replica-b', 10, LEASE)
      expect(retaken.claimed.map((r) => [r.key, r.leaseOwner, r.attempts])).toEqual([
        [key, 'replica-b', 2],
      ])
      // The old owner can no longer record anything; the new one can.
      expect(await a.markSent(key, 'replica-a', T0 + LEASE + 1)).toBe(false)
      expect(await a.markFailed(key, 'replica-a', { now: T0, error: 'x', retryAt: T0 })).toBe(false)
      expect(await b.markSent(key, 'replica-b', T0 + LEASE + 1)).toBe(true)
      expect((await b.get(key))?.state).toBe('sent')
    })

    it('never sends a sent reminder again, even when upserted again or moved', async () => {
      const schedule = await openSchedule()
      await schedule.upsertForDoc('calendar:c1', [reminder()], T0)
      const key = reminderKey(reminder())
      await schedule.claimDue(T0, 'a', 10, LEASE)
      expect(await schedule.markSent(key, 'a', T0 + 1)).toBe(true)
      expect(await schedule.markSent(key, 'a', T0 + 2)).toBe(false)
      for (const dueAt of [T0, T0 + 60 * MINUTE]) {
        expect(await schedule.upsertForDoc('calendar:c1', [reminder({ dueAt })], T0 + 3)).toEqual({
          inserted: 0,
          rescheduled: 0,
          cancelled: 0,
        })
        expect((await schedule.claimDue(dueAt + LEASE * 10, 'a', 10, LEASE)).claimed).toEqual([])
      }
      // Removing it from the doc does not turn it into "cancelled" either.
      await schedule.upsertForDoc('calendar:c1', [], T0 + 4)
      expect(await schedule.get(key)).toMatchObject({ state: 'sent', sentAt: T0 + 1, dueAt: T0 })
    })

    it('reschedules a moved reminder and updates a changed payload', async () => {
      const schedule = await openSchedule()
      await schedule.upsertForDoc('calendar:c1', [reminder()], T0 - 10 * MINUTE)
      const moved = reminder({ dueAt: T0 + 60 * MINUTE, payload: { title: 'moved' } })
      expect(await schedule.upsertForDoc('calendar:c1', [moved], T0 - 5 * MINUTE)).toEqual({
        inserted: 0,
        rescheduled: 1,
        cancelled: 0,
      })
      expect((await schedule.claimDue(T0, 'a', 10, LEASE)).claimed).toEqual([])
      const { claimed } = await schedule.claimDue(T0 + 60 * MINUTE, 'a', 10, LEASE)
      expect(claimed.map((r) => [r.dueAt, r.payload])).toEqual([
        [T0 + 60 * MINUTE, { title: 'moved' }],
      ])

      const retitled = reminder({ reminderId: 'r2', payload: { title: 'old' } })
      await schedule.upsertForDoc('calendar:c2', [retitled], T0)
      await schedule.upsertForDoc('calendar:c2', [{ ...retitled, payload: { title: 'new' } }], T0)
      expect((await schedule.get(reminderKey(retitled)))?.payload).toEqual({ title: 'new' })
    })

    it('cancels reminders gone from the doc, and revives them when they come back', async () => {
      const schedule = await openSchedule()
      const keep = reminder({ reminderId: 'keep' })
      const drop = reminder({ reminderId: 'drop' })
      await schedule.upsertForDoc('calendar:c1', [keep, drop], T0 - MINUTE)
      await schedule.upsertForDoc('calendar:other', [reminder({ eventId: 'ev9' })], T0 - MINUTE)
      expect(await schedule.upsertForDoc('calendar:c1', [keep], T0 - MINUTE)).toEqual({
        inserted: 0,
        rescheduled: 0,
        cancelled: 1,
      })
      expect((await schedule.get(reminderKey(drop)))?.state).toBe('cancelled')
      const due = await schedule.claimDue(T0, 'a', 10, LEASE)
      expect(due.claimed.map((r) => r.reminderId).sort()).toEqual(['keep', 'r15'])

      // The event is restored (an undo): the reminder is pending again.
      const later = { ...drop, dueAt: T0 + 5 * MINUTE }
      expect(await schedule.upsertForDoc('calendar:c1', [keep, later], T0 + 1)).toEqual({
        inserted: 0,
        rescheduled: 1,
        cancelled: 0,
      })
      expect(await schedule.get(reminderKey(drop))).toMatchObject({ state: 'pending', attempts: 0 })
    })

    it('enqueues one-off notifications once, apart from the reminders of a doc', async () => {
      const schedule = await openSchedule()
      const change = reminder({ occurrence: 'calendar:c1@2', reminderId: 'event-moved' })
      expect(await schedule.enqueue('change:calendar:c1', [change], T0)).toBe(1)
      // The same key again (a replayed batch) adds nothing; nor once sent.
      expect(await schedule.enqueue('change:calendar:c1', [change], T0)).toBe(0)
      const { claimed } = await schedule.claimDue(T0, 'a', 10, LEASE)
      expect(claimed.map((r) => r.key)).toEqual([reminderKey(change)])
      await schedule.markSent(reminderKey(change), 'a', T0 + 1)
      expect(
        await schedule.enqueue('change:calendar:c1', [{ ...change, dueAt: T0 + MINUTE }], T0),
      ).toBe(0)
      expect((await schedule.get(reminderKey(change)))?.state).toBe('sent')
      // Planning the calendar's reminders never cancels them.
      await schedule.enqueue('change:calendar:c1', [{ ...change, recipient: 'u2' }], T0)
      await schedule.upsertForDoc('calendar:c1', [], T0)
      expect((await schedule.listForDoc('change:calendar:c1')).map((r) => r.state)).toEqual([
        'sent',
        'pending',
      ])
      await expect(schedule.enqueue('change:calendar:c1', [change, change], T0)).rejects.toThrow(
        /appears twice/,
      )
    })

    it('records a send finished after its reminder was cancelled', async () => {
      const schedule = await openSchedule()
      await schedule.upsertForDoc('calendar:c1', [reminder()], T0)
      await schedule.claimDue(T0, 'a', 10, LEASE)
      await schedule.upsertForDoc('calendar:c1', [], T0 + 1)
      const key = reminderKey(reminder())
      expect((await schedule.get(key))?.state).toBe('cancelled')
      expect(await schedule.markSent(key, 'a', T0 + 2)).toBe(true)
      expect((await schedule.get(key))?.state).toBe('sent')
    })

    it('retries a failure at the given time, and fails for good without one or past max attempts', async () => {
      const schedule = await openSchedule({ maxAttempts: 2 })
      await schedule.upsertForDoc('calendar:c1', [reminder(), reminder({ reminderId: 'r2' })], T0)
      const key = reminderKey(reminder())
      const other = reminderKey(reminder({ reminderId: 'r2' }))
      await schedule.claimDue(T0, 'a', 10, LEASE)
      expect(
        await schedule.markFailed(key, 'a', { now: T0, error: 'SMTP 421', retryAt: T0 + MINUTE }),
      ).toBe(true)
      expect(await schedule.markFailed(other, 'a', { now: T0, error: 'HTTP 400' })).toBe(true)
      expect(await schedule.get(key)).toMatchObject({
        state: 'pending',
        nextAttemptAt: T0 + MINUTE,
        lastError: 'SMTP 421',
      })
      expect(await schedule.get(other)).toMatchObject({ state: 'failed', lastError: 'HTTP 400' })

      expect((await schedule.claimDue(T0 + MINUTE - 1, 'a', 10, LEASE)).claimed).toEqual([])
      const again = await schedule.claimDue(T0 + MINUTE, 'a', 10, LEASE)
      expect(again.claimed.map((r) => [r.key, r.attempts])).toEqual([[key, 2]])
      await schedule.markFailed(key, 'a', {
        now: T0 + MINUTE,
        error: 'SMTP 421',
        retryAt: T0 + 2 * MINUTE,
      })
      expect((await schedule.get(key))?.state).toBe('failed')
      expect((await schedule.claimDue(T0 + 3 * MINUTE, 'a', 10, LEASE)).claimed).toEqual([])
    })

    it('records reminders due longer ago than the grace window as missed, not sent', async () => {
      const schedule = await openSchedule()
      await schedule.upsertForDoc(
        'calendar:c1',
        [
          reminder({ reminderId: 'late', dueAt: T0 - 16 * MINUTE }),
          reminder({ reminderId: 'in-grace', dueAt: T0 - 14 * MINUTE }),
        ],
        T0 - 60 * MINUTE,
      )
      const result = await schedule.claimDue(T0, 'a', 10, LEASE)
      expect(result.missed).toEqual([reminderKey(reminder({ reminderId: 'late' }))])
      expect(result.claimed.map((r) => r.reminderId)).toEqual(['in-grace'])
      expect(await schedule.countByState()).toEqual({
        pending: 0,
        claimed: 1,
        sent: 0,
        failed: 0,
        missed: 1,
        cancelled: 0,
      })
      // A claim whose replica died and whose lease ran out past the window is missed too.
      const inGrace = reminderKey(reminder({ reminderId: 'in-grace' }))
      expect((await schedule.claimDue(T0 + 2 * MINUTE, 'b', 10, LEASE)).missed).toEqual([inGrace])
      expect((await schedule.get(inGrace))?.state).toBe('missed')

      // Moving a missed reminder into the future gives it a new chance.
      await schedule.upsertForDoc(
        'calendar:c1',
        [
          reminder({ reminderId: 'late', dueAt: T0 + 10 * MINUTE }),
          reminder({ reminderId: 'in-grace', dueAt: T0 - 14 * MINUTE }),
        ],
        T0 + 3 * MINUTE,
      )
      expect((await schedule.get(reminderKey(reminder({ reminderId: 'late' }))))?.state).toBe(
        'pending',
      )
    })

    it('takes the grace window from the options', async () => {
      const schedule = await openSchedule({ graceMs: MINUTE })
      await schedule.upsertForDoc(
        'calendar:c1',
        [reminder({ dueAt: T0 - 2 * MINUTE })],
        T0 - 10 * MINUTE,
      )
      const result = await schedule.claimDue(T0, 'a', 10, LEASE)
      expect([result.claimed.length, result.missed.length]).toEqual([0, 1])
    })

    it('lets two racing replicas claim 200 rows between them, none twice', async () => {
      const [a, b] = await Promise.all([openSchedule(), openSchedule()])
      if (!a || !b) throw new Error('two schedules expected')
      const reminders = Array.from({ length: 200 }, (_, i) =>
        reminder({ reminderId: `r${i}`, dueAt: T0 + (i % 7) * 1000 }),
      )
      await a.upsertForDoc('calendar:c1', reminders, T0 - MINUTE)
      const now = T0 + MINUTE
      const claimLoop = async (schedule: ReminderSchedule, owner: string) => {
        const keys: string[] = []
        // Bounded: 200 rows need at most 29 rounds of 7; stop at 200 rounds or 20 s.
        const deadline = Date.now() + 20_000
        for (let round = 0; round < 200 && Date.now() < deadline; round++) {
          const { claimed } = await schedule.claimDue(now, owner, 7, 10 * MINUTE)
          if (claimed.length === 0) break
          for (const r of claimed) {
            expect(r.leaseOwner).toBe(owner)
            keys.push(r.key)
          }
        }
        return keys
      }
      // Two loops per replica: each replica also races itself over its connection pool.
      const perLoop = await Promise.all([
        claimLoop(a, 'replica-a'),
        claimLoop(b, 'replica-b'),
        claimLoop(a, 'replica-a2'),
        claimLoop(b, 'replica-b2'),
      ])
      const all = perLoop.flat()
      expect(perLoop.map((keys) => keys.length > 0)).toEqual([true, true, true, true])
      expect(all).toHaveLength(200)
      expect(new Set(all).size).toBe(200)
      expect(new Set(all)).toEqual(new Set(reminders.map(reminderKey)))
      expect((await a.countByState()).claimed).toBe(200)
    })

    it('keeps everything across a restart, including a dead replica’s lease', async () => {
      const first = await openSchedule()
      await first.upsertForDoc(
        'calendar:c1',
        ['sent', 'leased', 'later'].map((id, i) =>
          reminder({ reminderId: id, dueAt: T0 + i * 2 * MINUTE }),
        ),
        T0 - MINUTE,
      )
      const sent = reminderKey(reminder({ reminderId: 'sent' }))
      const leased = reminderKey(reminder({ reminderId: 'leased' }))
      await first.claimDue(T0, 'old', 10, LEASE)
      await first.markSent(sent, 'old', T0 + 1)
      await first.claimDue(T0 + 2 * MINUTE, 'old', 10, LEASE)
      const before = await first.listForDoc('calendar:c1')
      await close(first)

      const second = await openSchedule()
      expect(await second.listForDoc('calendar:c1')).toEqual(before)
      expect(before.map((r) => r.state)).toEqual(['sent', 'claimed', 'pending'])
      // The lease taken before the restart still holds until it expires...
      expect(
        (await second.claimDue(T0 + 2 * MINUTE + LEASE - 1, 'new', 10, LEASE)).claimed,
      ).toEqual([])
      // ...then comes back, and the sent one never does.
      const { claimed } = await second.claimDue(T0 + 4 * MINUTE, 'new', 10, LEASE)
      expect(claimed.map((r) => r.key).sort()).toEqual(
        [leased, reminderKey(reminder({ reminderId: 'later' }))].sort(),
      )
    })

    it('refuses a malformed reminder set and writes none of it', async () => {
      const schedule = await openSchedule()
      await expect(
        schedule.upsertForDoc('calendar:c1', [reminder(), reminder()], T0),
      ).rejects.toThrow(/appears twice/)
      await expect(
        schedule.upsertForDoc(
          'calendar:c1',
          [reminder({ reminderId: 'ok' }), reminder({ dueAt: Number.NaN })],
          T0,
        ),
      ).rejects.toThrow(/epoch milliseconds/)
      await expect(
        schedule.upsertForDoc('calendar:c1', [reminder({ eventId: 'e'.repeat(600) })], T0),
      ).rejects.toThrow(/longer than 512/)
      await expect(
        schedule.upsertForDoc('calendar:c1', [reminder({ channel: '' })], T0),
      ).rejects.toThrow(/must not be empty/)
      expect(await schedule.listForDoc('calendar:c1')).toEqual([])
    })
  })
}
