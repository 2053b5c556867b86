// Reminders from calendar snapshots: DST-correct due times in two zones,
// own reminders per member, cancellations, stable identity when an event
// moves, the window, and malformed values skipped.
import { createEvent, setOwnReminders, updateEvent, updateOccurrence } from '@plansync/schema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Notification } from '../channels/types.ts'
import { assertNotification } from '../channels/validate.ts'
import { reminderKey } from '../schedule/reminder-key.ts'
import type { ReminderInput } from '../schedule/types.ts'
import { type PlanMember, planReminders } from './plan-reminders.ts'

const iso = (ms: number) => new Date(ms).toISOString()
const member = (userId: string, prefs?: Y.Doc, channels = ['in-app']): PlanMember => ({
  userId,
  displayName: userId,
  email: `${userId}@example.test`,
  prefs,
  channels,
})
const window = (from: string, to: string) => ({ from: Date.parse(from), to: Date.parse(to) })

function calendarWith(...events: Array<[string, Parameters<typeof createEvent>[2]]>): Y.Doc {
  const doc = new Y.Doc()
  for (const [id, input] of events) createEvent(doc, id, input)
  return doc
}

describe('planReminders', () => {
  it('keeps the local time of reminders across the DST change in Berlin and New York', () => {
    const calendar = calendarWith(
      [
        'football',
        {
          title: 'Football',
          start: '2026-03-21T10:00',
          end: '2026-03-21T11:30',
          timeZone: 'Europe/Berlin',
          rrule: 'FREQ=WEEKLY;BYDAY=SA;COUNT=3',
          reminders: [60],
        },
      ],
      [
        'standup',
        {
          title: 'Standup',
          start: '2026-03-06T09:00',
          end: '2026-03-06T09:15',
          timeZone: 'America/New_York',
          rrule: 'FREQ=WEEKLY;BYDAY=FR;COUNT=2',
          reminders: [15],
        },
      ],
    )
    const planned = planReminders({
      calendarName: 'Family',
      calendar,
      members: [member('ann')],
      ...window('2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z'),
    })
    expect(planned.map((r) => `${r.eventId} ${iso(r.dueAt)}`)).toEqual([
      'standup 2026-03-06T13:45:00.000Z', // EST, UTC-5
      'standup 2026-03-13T12:45:00.000Z', // EDT from 8 March, UTC-4: still 08:45 local
      'football 2026-03-21T08:00:00.000Z', // CET
      'football 2026-03-28T08:00:00.000Z',
      'football 2026-04-04T07:00:00.000Z', // CEST from 29 March: still 09:00 local
    ])
    const first = planned[2]?.payload as { title: string; body: string }
    expect(first.title).toBe('Football: Sat, 21 Mar 2026, 10:00 (Europe/Berlin)')
    expect(first.body).toContain('starts in 1 hour')
  })

  it("lets a member's own reminders replace the defaults for them alone, or mute them", () => {
    const calendar = calendarWith([
      'picnic',
      {
        title: 'Picnic',
        start: '2026-06-06T12:00',
        end: '2026-06-06T15:00',
        timeZone: 'Europe/Berlin',
        reminders: [60, 1440],
        location: 'Riverside park',
      },
    ])
    const annPrefs = new Y.Doc()
    setOwnReminders(annPrefs, 'picnic', [15])
    const bobPrefs = new Y.Doc()
    setOwnReminders(bobPrefs, 'picnic', [])
    const planned = planReminders({
      calendarName: 'Family',
      calendar,
      members: [
        member('ann', annPrefs, ['in-app', 'email']),
        member('bob', bobPrefs),
        member('cat'),
      ],
      ...window('2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z'),
    })
    expect(planned.map((r) => `${r.recipient} ${r.channel} ${r.reminderId}`).sort()).toEqual([
      'ann email 15',
      'ann in-app 15',
      'cat in-app 1440',
      'cat in-app 60',
    ])
    const toAnn = planned.find((r) => r.recipient === 'ann')?.payload as {
      recipient: { email: string }
      body: string
    }
    expect(toAnn.recipient.email).toBe('ann@example.test')
    expect(toAnn.body).toContain('Where: Riverside park')
  })

  it('moves reminders with a moved event or occurrence under the same keys, and drops cancelled ones', () => {
    const calendar = calendarWith(
      [
        'dentist',
        {
          title: 'Dentist',
          start: '2026-06-01T09:00',
          end: '2026-06-01T09:30',
          timeZone: 'Europe/Berlin',
          reminders: [30],
        },
      ],
      [
        'yoga',
        {
          title: 'Yoga',
          start: '2026-06-01T18:00',
          end: '2026-06-01T19:00',
          timeZone: 'Europe/Berlin',
          rrule: 'FREQ=DAILY;COUNT=3',
          reminders: [30],
        },
      ],
    )
    const plan = () =>
      planReminders({
        calendarName: 'Me',
        calendar,
        members: [member('ann')],
        ...window('2026-06-01T00:00:00Z', '2026-06-10T00:00:00Z'),
      })
    const dueByKey = () => new Map(plan().map((r) => [reminderKey(r), r.dueAt]))
    const before = dueByKey()
    expect(before.size).toBe(4)
    // A one-off event moved an hour, and one occurrence of the series moved a day.
    updateEvent(calendar, 'dentist', { start: '2026-06-01T10:00', end: '2026-06-01T10:30' })
    updateOccurrence(
      calendar,
      { eventId: 'yoga', recurrenceId: '2026-06-02T18:00' },
      'this',
      { start: '2026-06-03T07:00', end: '2026-06-03T08:00' },
      () => 'unused',
    )
    const after = dueByKey()
    expect([...after.keys()]).toEqual(expect.arrayContaining([...before.keys()]))
    const shift = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0)
    expect(shift('dentist/single/30/ann/in-app')).toBe(3_600_000)
    expect(shift('yoga/2026-06-02T18%3A00/30/ann/in-app')).toBe(13 * 3_600_000)
    expect(shift('yoga/2026-06-03T18%3A00/30/ann/in-app')).toBe(0)
    // One occurrence cancelled, then the whole series.
    updateOccurrence(
      calendar,
      { eventId: 'yoga', recurrenceId: '2026-06-03T18:00' },
      'this',
      { status: 'cancelled' },
      () => 'unused',
    )
    expect(plan().map((r) => `${r.eventId} ${r.occurrence}`)).toEqual([
      'dentist single',
      'yoga 2026-06-01T18:00',
      'yoga 2026-06-02T18:00',
    ])
    updateEvent(calendar, 'yoga', { status: 'cancelled' })
    expect(plan().map((r) => r.eventId)).toEqual(['dentist'])
  })

  it('plans only what is due inside the window, and skips malformed events', () => {
    const calendar = calendarWith([
      'dentist',
      {
        title: 'Dentist',
        start: '2026-06-10T09:00',
        end: '2026-06-10T09:30',
        timeZone: 'UTC',
        reminders: [60, 1440],
      },
    ])
    const bad = new Y.Map<unknown>()
    calendar.getMap('events').set('broken', bad)
    bad.set('title', 42)
    const planned = planReminders({
      calendarName: 'Me',
      calendar,
      members: [member('ann')],
      ...window('2026-06-09T12:00:00Z', '2026-06-10T08:30:00Z'),
    })
    // The day-before reminder (06-09 09:00) is before the window; the hour-before is in it.
    expect(planned.map((r) => [r.reminderId, iso(r.dueAt)])).toEqual([
      ['60', '2026-06-10T08:00:00.000Z'],
    ])
  })

  it('reminds of all-day events at local midnight of the event zone', () => {
    const calendar = calendarWith(
      [
        'bday',
        {
          title: 'Birthday',
          allDay: true,
          start: '2026-06-10',
          end: '2026-06-11',
          timeZone: 'America/Los_Angeles',
          reminders: [0, 1440],
        },
      ],
      [
        'fest',
        {
          title: 'Fest',
          allDay: true,
          start: '2026-06-10',
          end: '2026-06-11',
          timeZone: 'Europe/Berlin',
          reminders: [0],
        },
      ],
    )
    const planned = planReminders({
      calendarName: 'Family',
      calendar,
      members: [member('ann')],
      ...window('2026-06-01T00:00:00Z', '2026-06-20T00:00:00Z'),
    })
    expect(planned.map((r) => `${r.eventId} ${r.reminderId} ${iso(r.dueAt)}`)).toEqual([
      'bday 1440 2026-06-09T07:00:00.000Z', // midnight in Los Angeles (PDT, UTC-7)
      'fest 0 2026-06-09T22:00:00.000Z', // midnight in Berlin (CEST, UTC+2)
      'bday 0 2026-06-10T07:00:00.000Z',
    ])
  })

  it('skips an event whose rule cannot be expanded, and still plans the others', () => {
    const calendar = calendarWith(
      [
        'spam',
        {
          title: 'Spam',
          start: '2026-06-01T00:00',
          end: '2026-06-01T00:01',
          timeZone: 'UTC',
          rrule: 'FREQ=MINUTELY;INTERVAL=5',
          reminders: [0],
        },
      ],
      [
        'dentist',
        {
          title: 'Dentist',
          start: '2026-06-03T09:00',
          end: '2026-06-03T09:30',
          timeZone: 'UTC',
          reminders: [60],
        },
      ],
    )
    const issues: string[] = []
    const planned = planReminders({
      calendarName: 'Me',
      calendar,
      members: [member('ann')],
      ...window('2026-06-01T00:00:00Z', '2026-06-08T00:00:00Z'),
      report: (issue) => issues.push(issue.path),
    })
    expect(planned.map((r) => r.eventId)).toEqual(['dentist'])
    expect(issues).toEqual(['events.spam.rrule'])
  })

  it('makes a sendable reminder of a title with line breaks and control characters', () => {
    const calendar = calendarWith([
      'picnic',
      {
        title: `Picnic\r\nBcc: eve@example.test\u0007 ${'very '.repeat(80)}long`,
        start: '2026-06-06T12:00',
        end: '2026-06-06T13:00',
        timeZone: 'UTC',
        location: 'Park\u0000side',
        reminders: [10],
      },
    ])
    const [planned] = planReminders({
      calendarName: 'Family',
      calendar,
      members: [member('ann')],
      ...window('2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z'),
    })
    const notification = planned?.payload as unknown as Notification
    expect(notification.title).toMatch(
      /^Picnic Bcc: eve@example\.test very .*…: Sat, 6 Jun 2026, 12:00 \(UTC\)$/,
    )
    expect(() =>
      assertNotification(notification, reminderKey(planned as ReminderInput)),
    ).not.toThrow()
  })
})
