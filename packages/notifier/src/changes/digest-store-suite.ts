// The behaviour suite the change digest store runs on each store
// (digest-store.sqlite.test.ts, digest-store.postgres.test.ts): digests and
// their notifications recorded together or not at all, exactly one of
// several racing replicas records a change, the baseline mark, a restart.
import type { Kysely } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openScheduleDatabase } from '../schedule/open-schedule.ts'
import { reminderKey } from '../schedule/reminder-key.ts'
import { createReminderSchedule } from '../schedule/reminder-schedule.ts'
import type { TestStorage } from '../schedule/schedule-suite.ts'
import type { ScheduleDatabase } from '../schedule/schema.ts'
import type { ReminderInput } from '../schedule/types.ts'
import { type ChangeDigestStore, changeDoc, createChangeDigestStore } from './digest-store.ts'

const T0 = Date.UTC(2026, 5, 1, 9, 0)
const SOURCE = 'calendar:family'

const notification = (version: number, recipient: string): ReminderInput => ({
  eventId: 'picnic',
  occurrence: `${SOURCE}@${version}`,
  reminderId: 'event-moved',
  recipient,
  channel: 'in-app',
  dueAt: T0,
  payload: { title: 'Moved: Picnic' },
})

/**
 * `concurrent`: replicas race at once (Postgres). SQLite has one writer, and
 * connections in one process would block each other's event loop mid
 * transaction, so there the replicas take turns after reading the same state.
 */
export function describeChangeDigestStore(
  name: string,
  makeStorage: () => Promise<TestStorage>,
  { concurrent }: { concurrent: boolean },
) {
  /** Runs one call per replica, all at once or in turns. */
  const race = async <T>(calls: Array<() => Promise<T>>): Promise<T[]> => {
    if (concurrent) return Promise.all(calls.map((call) => call()))
    const out: T[] = []
    for (const call of calls) out.push(await call())
    return out
  }

  describe(`ChangeDigestStore: ${name}`, () => {
    let storage: TestStorage
    let open: Array<Kysely<ScheduleDatabase>> = []
    /** A replica (or a restart) on this test's database. */
    const openReplica = async () => {
      const { db, dialect } = await openScheduleDatabase(storage.storage)
      open.push(db)
      return {
        db,
        digests: createChangeDigestStore(db),
        schedule: createReminderSchedule(db, dialect),
      }
    }
    beforeEach(async () => {
      storage = await makeStorage()
    })
    afterEach(async () => {
      for (const db of open) await db.destroy()
      open = []
      await storage.drop()
    })

    it('records digests with growing versions and schedules their notifications with them', async () => {
      const { digests, schedule } = await openReplica()
      expect(await digests.get(SOURCE)).toBeUndefined()
      const first = { v: 1, events: { picnic: { when: 'a' } } }
      expect(
        await digests.record(SOURCE, {
          expected: undefined,
          digest: first,
          notifications: [],
          now: T0,
        }),
      ).toBe(true)
      expect(await digests.get(SOURCE)).toEqual({ version: 1, digest: first })
      const second = { v: 1, events: { picnic: { when: 'b' } } }
      const told = [notification(2, 'ann'), notification(2, 'bob')]
      expect(
        await digests.record(SOURCE, { expected: 1, digest: second, notifications: told, now: T0 }),
      ).toBe(true)
      expect(await digests.get(SOURCE)).toEqual({ version: 2, digest: second })
      const rows = await schedule.listForDoc(changeDoc(SOURCE))
      expect(rows.map((row) => [row.key, row.state, row.dueAt])).toEqual([
        [reminderKey(told[0] as ReminderInput), 'pending', T0],
        [reminderKey(told[1] as ReminderInput), 'pending', T0],
      ])
      // A stale expectation records nothing and schedules nothing.
      expect(
        await digests.record(SOURCE, {
          expected: 1,
          digest: { v: 1, events: {} },
          notifications: [notification(2, 'cat')],
          now: T0,
        }),
      ).toBe(false)
      expect(
        await digests.record(SOURCE, {
          expected: undefined,
          digest: first,
          notifications: [],
          now: T0,
        }),
      ).toBe(false)
      expect(await digests.get(SOURCE)).toEqual({ version: 2, digest: second })
      expect(await schedule.listForDoc(changeDoc(SOURCE))).toHaveLength(2)
      // Other docs are apart.
      expect(await digests.get('event:picnic')).toBeUndefined()
    })

    it('lets exactly one of several racing replicas record a change', async () => {
      const replicas = await Promise.all([1, 2, 3, 4].map(() => openReplica()))
      const [a] = replicas as [Awaited<ReturnType<typeof openReplica>>]
      // The first sighting, by all at once: one records it.
      const firsts = await race(
        replicas.map(
          ({ digests }, i) =>
            () =>
              digests.record(SOURCE, {
                expected: undefined,
                digest: { seen: i },
                notifications: [],
                now: T0,
              }),
        ),
      )
      expect(firsts.filter(Boolean)).toHaveLength(1)
      // The same change, found by all at once, each with its own notification.
      for (let round = 0; round < 5; round++) {
        const { version } = (await a.digests.get(SOURCE)) as { version: number }
        const outcomes = await race(
          replicas.map(
            ({ digests }, i) =>
              () =>
                digests.record(SOURCE, {
                  expected: version,
                  digest: { round, by: i },
                  notifications: [notification(version + 1, `user-${i}`)],
                  now: T0,
                }),
          ),
        )
        expect(outcomes.filter(Boolean)).toHaveLength(1)
        const winner = outcomes.indexOf(true)
        expect(await a.digests.get(SOURCE)).toEqual({
          version: version + 1,
          digest: { round, by: winner },
        })
        const scheduled = (await a.schedule.listForDoc(changeDoc(SOURCE))).filter(
          (row) => row.occurrence === `${SOURCE}@${version + 1}`,
        )
        expect(scheduled.map((row) => row.recipient)).toEqual([`user-${winner}`])
      }
    })

    it('keeps digests and the baseline across a restart; the baseline is set once', async () => {
      const before = await openReplica()
      expect(await before.digests.baselineAt()).toBeUndefined()
      await before.digests.record(SOURCE, {
        expected: undefined,
        digest: { v: 1, events: {} },
        notifications: [],
        now: T0,
      })
      await before.digests.markBaseline(T0)
      await before.digests.markBaseline(T0 + 1000)
      await before.db.destroy()
      open = open.filter((db) => db !== before.db)
      const after: { digests: ChangeDigestStore } = await openReplica()
      expect(await after.digests.baselineAt()).toBe(T0)
      expect(await after.digests.get(SOURCE)).toEqual({ version: 1, digest: { v: 1, events: {} } })
    })

    it('rolls the digest back when its notifications cannot be scheduled', async () => {
      const { digests, schedule } = await openReplica()
      await digests.record(SOURCE, {
        expected: undefined,
        digest: { n: 1 },
        notifications: [],
        now: T0,
      })
      const twice = [notification(2, 'ann'), notification(2, 'ann')]
      await expect(
        digests.record(SOURCE, { expected: 1, digest: { n: 2 }, notifications: twice, now: T0 }),
      ).rejects.toThrow(/appears twice/)
      expect(await digests.get(SOURCE)).toEqual({ version: 1, digest: { n: 1 } })
      expect(await schedule.listForDoc(changeDoc(SOURCE))).toEqual([])
    })
  })
}
