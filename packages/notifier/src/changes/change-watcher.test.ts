// The change watcher over docs in memory and a real digest store (SQLite):
// quiet until it has seen every doc once, then new, moved and imported
// events for members on their own channels, tasks and seats for the person
// concerned only, nothing twice from a second replica.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { prefsDocName } from '@plansync/protocol'
import {
  addTask,
  allocateSeats,
  createEvent,
  readNotificationPrefs,
  setCapacity,
  setNotificationPrefs,
  setRsvp,
  updateEvent,
} from '@plansync/schema'
import type { Kysely } from 'kysely'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createManualClock } from '../channels/clock.ts'
import type { Notification } from '../channels/types.ts'
import { openScheduleDatabase } from '../schedule/open-schedule.ts'
import { createReminderSchedule } from '../schedule/reminder-schedule.ts'
import type { ScheduleDatabase } from '../schedule/schema.ts'
import type { ReminderSchedule } from '../schedule/types.ts'
import type { CalendarRecipients, RecipientDirectory } from '../service/recipients.ts'
import { ChangeWatcher } from './change-watcher.ts'
import { changeDoc, createChangeDigestStore } from './digest-store.ts'

const member = (userId: string): CalendarRecipients['members'][number] => ({
  userId,
  username: userId,
  displayName: userId.toUpperCase(),
  email: `${userId}@example.test`,
  role: 'editor',
})

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('timed out')
}

describe('ChangeWatcher', () => {
  let dir: string
  let db: Kysely<ScheduleDatabase>
  let schedule: ReminderSchedule
  const docs = new Map<string, Y.Doc>()
  const doc = (name: string) => {
    const existing = docs.get(name) ?? new Y.Doc()
    docs.set(name, existing)
    return existing
  }
  const reader = {
    // A fresh copy, as storage would give: the watcher destroys what it reads.
    async read(name: string) {
      const copy = new Y.Doc()
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc(name)))
      return copy
    },
  }
  const calendars = new Map<string, CalendarRecipients>()
  const events = new Map<string, string>()
  const recipients: RecipientDirectory = {
    recipientsOf: async (id) => calendars.get(id) ?? null,
    recipientsOfEvent: async (id) => calendars.get(events.get(id) ?? '') ?? null,
    calendarIds: async () => [...calendars.keys()],
    eventIds: async () => [...events.keys()],
  }
  const clock = createManualClock(Date.UTC(2026, 5, 1, 8))
  const watcher = (digests = createChangeDigestStore(db)) =>
    new ChangeWatcher({
      reader,
      recipients,
      digests,
      channelsFor: (user, prefs) => {
        const chosen = readNotificationPrefs(prefs)
        return [
          ...(chosen.inApp ? ['in-app'] : []),
          ...(chosen.email && user.email ? ['email'] : []),
        ]
      },
      clock,
      logger: pino({ level: 'silent' }),
      debounceMs: 10,
      summaryAbove: 5,
      retryMs: 60_000,
      appUrl: 'https://plans.example',
    })
  const sent = async (source: string) =>
    (await schedule.listForDoc(changeDoc(source))).map((row) => {
      const notification = row.payload as unknown as Notification
      return `${row.recipient} ${row.channel} ${notification.kind}: ${notification.title}`
    })

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'plansync-watcher-'))
    const opened = await openScheduleDatabase({ kind: 'sqlite', file: path.join(dir, 'n.sqlite') })
    db = opened.db
    schedule = createReminderSchedule(db, opened.dialect)
    docs.clear()
    calendars.clear()
    events.clear()
    calendars.set('family', {
      calendar: { id: 'family', name: 'Family', timeZone: 'UTC' },
      members: [member('ann'), member('bob')],
    })
    setNotificationPrefs(doc(prefsDocName('bob')), { email: true })
    createEvent(doc('calendar:family'), 'picnic', {
      title: 'Picnic',
      start: '2026-06-06T12:00',
      end: '2026-06-06T15:00',
    })
  })
  afterEach(async () => {
    await db.destroy()
    await rm(dir, { recursive: true, force: true })
  })

  it('learns what exists quietly, then tells members what changed on their channels', async () => {
    const changes = watcher()
    // Before its first full pass, a doc it has never seen is only recorded.
    await changes.check('calendar:family')
    expect(await sent('calendar:family')).toEqual([])
    changes.compareAll()
    await changes.settled()
    updateEvent(doc('calendar:family'), 'picnic', {
      start: '2026-06-06T13:00',
      end: '2026-06-06T16:00',
    })
    changes.changed('calendar:family')
    changes.changed('calendar:family')
    await waitFor(async () => (await sent('calendar:family')).length > 0)
    await new Promise((resolve) => setTimeout(resolve, 50))
    await changes.close()
    // One batch: each member once per channel.
    expect(await sent('calendar:family')).toEqual([
      'ann in-app event-moved: Moved: Picnic',
      'bob email event-moved: Moved: Picnic',
      'bob in-app event-moved: Moved: Picnic',
    ])
    // A calendar first seen after the pass is new: its events are news, an import is summarised.
    calendars.set('work', {
      calendar: { id: 'work', name: 'Work', timeZone: 'UTC' },
      members: [member('ann')],
    })
    const work = doc('calendar:work')
    work.transact(() => {
      for (let i = 0; i < 40; i++) {
        createEvent(work, `e${i}`, {
          title: `E${i}`,
          start: '2026-06-02T09:00',
          end: '2026-06-02T10:00',
        })
      }
    })
    const again = watcher()
    await again.check('calendar:work')
    await again.check('calendar:work')
    expect(await sent('calendar:work')).toEqual([
      'ann in-app events-changed: Work: 40 events changed',
    ])
    await again.close()
  })

  it('tells the assignee and the participant, members only, once across replicas', async () => {
    events.set('picnic', 'family')
    const first = watcher()
    first.compareAll()
    await first.settled()
    const planning = doc('event:picnic')
    addTask(planning, 't1', { title: 'Chairs', assignee: 'bob', due: null, done: false, order: 1 })
    addTask(planning, 't2', { title: 'Cake', assignee: 'eve', due: null, done: false, order: 2 })
    setCapacity(planning, 2)
    setRsvp(planning, 'ann', { rsvp: 'yes' }, 1)
    allocateSeats(planning)
    // Two replicas look at the same change: one records it, the other finds nothing new.
    const second = watcher(createChangeDigestStore(db))
    await first.check('event:picnic')
    await second.check('event:picnic')
    expect(await sent('event:picnic')).toEqual([
      'ann in-app seat-confirmed: Seat confirmed: Picnic',
      'bob email task-assigned: Task for you: Chairs',
      'bob in-app task-assigned: Task for you: Chairs',
    ])
    await first.close()
    await second.close()
  })
})
