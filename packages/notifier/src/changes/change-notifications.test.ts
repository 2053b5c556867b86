// Changes turned into notifications: one per recipient and channel, keyed by
// the doc's version, one line titles whatever the doc holds, a summary per
// recipient above the threshold, and nothing for people who are not members.
import { createEvent, readEvents, type Task } from '@plansync/schema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { Notification } from '../channels/types.ts'
import { assertNotification } from '../channels/validate.ts'
import { reminderKey } from '../schedule/reminder-key.ts'
import type { CalendarChange } from './calendar-changes.ts'
import {
  type ChangeRecipient,
  calendarNotifications,
  eventDocNotifications,
} from './change-notifications.ts'

const NOW = Date.UTC(2026, 5, 1, 8, 0)
const ann: ChangeRecipient = {
  userId: 'ann',
  displayName: 'Ann',
  email: null,
  channels: ['in-app'],
}
const bob: ChangeRecipient = {
  userId: 'bob',
  displayName: 'Bob',
  email: 'bob@example.test',
  channels: ['in-app', 'email'],
}
const batch = {
  version: 7,
  calendar: { id: 'family', name: 'Family' },
  now: NOW,
  appUrl: 'https://plans.example',
  summaryAbove: 3,
}
const payload = (row: { payload: unknown }) => row.payload as Notification

function calendar() {
  const doc = new Y.Doc()
  createEvent(doc, 'picnic', {
    title: 'Picnic\nin the park',
    start: '2026-06-06T12:00',
    end: '2026-06-06T15:00',
    timeZone: 'Europe/Berlin',
    location: 'Riverside',
  })
  return new Map(readEvents(doc).map((event) => [event.id, event]))
}

describe('change notifications', () => {
  it('tells every member on each of their channels, keyed by the version', () => {
    const rows = calendarNotifications({
      ...batch,
      source: 'calendar:family',
      events: calendar(),
      changes: [{ kind: 'event-moved', eventId: 'picnic', scope: 'event' }],
      recipients: [ann, bob],
    })
    expect(rows.map((row) => [reminderKey(row), row.dueAt])).toEqual([
      ['picnic/calendar%3Afamily%407/event-moved/ann/in-app', NOW],
      ['picnic/calendar%3Afamily%407/event-moved/bob/in-app', NOW],
      ['picnic/calendar%3Afamily%407/event-moved/bob/email', NOW],
    ])
    const notification = payload(rows[2] as (typeof rows)[number])
    expect(notification).toMatchObject({
      kind: 'event-moved',
      recipient: { userId: 'bob', name: 'Bob', email: 'bob@example.test' },
      title: 'Moved: Picnic in the park',
      body: 'Picnic in the park (Family) is now Sat, 6 Jun 2026, 12:00 (Europe/Berlin).\nWhere: Riverside',
      url: 'https://plans.example/events/picnic',
      createdAt: NOW,
      data: { calendarId: 'family', eventId: 'picnic', scope: 'event' },
    })
    // Every channel would accept it (one line title, no control characters).
    for (const row of rows) assertNotification(payload(row), reminderKey(row))
  })

  it('names created, cancelled and deleted events', () => {
    const rows = calendarNotifications({
      ...batch,
      source: 'calendar:family',
      events: calendar(),
      changes: [
        { kind: 'event-created', eventId: 'picnic' },
        { kind: 'event-cancelled', eventId: 'gone', title: 'Old\u0007 party', reason: 'deleted' },
      ],
      recipients: [ann],
    })
    expect(rows.map((row) => [payload(row).kind, payload(row).title, payload(row).url])).toEqual([
      ['event-created', 'New in Family: Picnic in the park', 'https://plans.example/events/picnic'],
      ['event-cancelled', 'Deleted: Old party', 'https://plans.example/'],
    ])
  })

  it('sends one summary per recipient and channel above the threshold', () => {
    const changes: CalendarChange[] = Array.from({ length: 1000 }, (_, i) => ({
      kind: i % 10 === 0 ? 'event-moved' : 'event-created',
      eventId: `e${i}`,
      scope: 'event',
    })) as CalendarChange[]
    const rows = calendarNotifications({
      ...batch,
      source: 'calendar:family',
      events: new Map(),
      changes,
      recipients: [ann, bob],
    })
    expect(rows.map(reminderKey)).toEqual([
      'family/calendar%3Afamily%407/events-changed/ann/in-app',
      'family/calendar%3Afamily%407/events-changed/bob/in-app',
      'family/calendar%3Afamily%407/events-changed/bob/email',
    ])
    expect(payload(rows[0] as (typeof rows)[number])).toMatchObject({
      kind: 'events-changed',
      title: 'Family: 1000 events changed',
      body: '1000 events in Family changed at once: 900 new, 100 moved.',
    })
  })

  it('leaves the author of a change out, and summarises per recipient what others did', () => {
    const one = calendarNotifications({
      ...batch,
      source: 'calendar:family',
      events: calendar(),
      changes: [
        { kind: 'event-created', eventId: 'picnic', author: 'ann' },
        { kind: 'event-moved', eventId: 'walk', scope: 'event' },
        { kind: 'event-cancelled', eventId: 'x', title: 'X', reason: 'deleted', author: 'bob' },
      ],
      recipients: [ann, bob],
    })
    expect(one.map(reminderKey)).toEqual([
      'picnic/calendar%3Afamily%407/event-created/bob/in-app',
      'picnic/calendar%3Afamily%407/event-created/bob/email',
      'walk/calendar%3Afamily%407/event-moved/ann/in-app',
      'walk/calendar%3Afamily%407/event-moved/bob/in-app',
      'walk/calendar%3Afamily%407/event-moved/bob/email',
      'x/calendar%3Afamily%407/event-cancelled/ann/in-app',
    ])
    // ann imports 5 events while bob moves one: ann hears of bob's move alone, bob gets a summary.
    const imported: CalendarChange[] = Array.from({ length: 5 }, (_, i) => ({
      kind: 'event-created',
      eventId: `e${i}`,
      author: 'ann',
    }))
    const rows = calendarNotifications({
      ...batch,
      source: 'calendar:family',
      events: new Map(),
      changes: [
        ...imported,
        { kind: 'event-moved', eventId: 'walk', scope: 'event', author: 'bob' },
      ],
      recipients: [ann, bob],
    })
    expect(rows.map(reminderKey)).toEqual([
      'walk/calendar%3Afamily%407/event-moved/ann/in-app',
      'family/calendar%3Afamily%407/events-changed/bob/in-app',
      'family/calendar%3Afamily%407/events-changed/bob/email',
    ])
    expect(payload(rows[1] as (typeof rows)[number]).title).toBe('Family: 5 events changed')
  })

  it('does not announce a task someone assigned to themselves', () => {
    const rows = eventDocNotifications({
      ...batch,
      source: 'event:picnic',
      eventId: 'picnic',
      event: calendar().get('picnic'),
      tasks: new Map(),
      changes: [
        { kind: 'task-assigned', taskId: 't1', userId: 'ann', author: 'ann' },
        { kind: 'task-assigned', taskId: 't2', userId: 'ann', author: 'bob' },
        { kind: 'task-assigned', taskId: 't3', userId: 'bob', author: 'ann' },
      ],
      recipients: new Map([
        ['ann', ann],
        ['bob', bob],
      ]),
    })
    expect(rows.map(reminderKey)).toEqual([
      'picnic/event%3Apicnic%407/task-assigned.t2/ann/in-app',
      'picnic/event%3Apicnic%407/task-assigned.t3/bob/in-app',
      'picnic/event%3Apicnic%407/task-assigned.t3/bob/email',
    ])
  })

  it('tells an assignee and a participant, only members, summarising many tasks', () => {
    const tasks = new Map<string, Task>(
      Array.from({ length: 5 }, (_, i) => [
        `t${i}`,
        { id: `t${i}`, title: `Task ${i}`, assignee: 'bob', due: null, done: false, order: i },
      ]),
    )
    const event = calendar().get('picnic')
    const common = {
      ...batch,
      source: 'event:picnic',
      eventId: 'picnic',
      event,
      tasks,
      recipients: new Map([
        ['ann', ann],
        ['bob', bob],
      ]),
    }
    const few = eventDocNotifications({
      ...common,
      changes: [
        { kind: 'task-assigned', taskId: 't1', userId: 'ann' },
        { kind: 'task-assigned', taskId: 't2', userId: 'eve' },
        { kind: 'seat-promoted', userId: 'ann' },
      ],
    })
    expect(few.map(reminderKey)).toEqual([
      'picnic/event%3Apicnic%407/task-assigned.t1/ann/in-app',
      'picnic/event%3Apicnic%407/seat-promoted/ann/in-app',
    ])
    expect(few.map((row) => payload(row).title)).toEqual([
      'Task for you: Task 1',
      'Off the waitlist: Picnic in the park',
    ])
    const many = eventDocNotifications({
      ...common,
      changes: [
        ...[...tasks.keys()].map((taskId) => ({
          kind: 'task-assigned' as const,
          taskId,
          userId: 'bob',
        })),
        { kind: 'seat-confirmed', userId: 'bob' },
      ],
    })
    expect(many.map(reminderKey)).toEqual([
      'picnic/event%3Apicnic%407/tasks-assigned/bob/in-app',
      'picnic/event%3Apicnic%407/tasks-assigned/bob/email',
      'picnic/event%3Apicnic%407/seat-confirmed/bob/in-app',
      'picnic/event%3Apicnic%407/seat-confirmed/bob/email',
    ])
    expect(payload(many[0] as (typeof many)[number])).toMatchObject({
      kind: 'tasks-assigned',
      title: '5 tasks for you in Picnic in the park',
    })
    expect(payload(many[2] as (typeof many)[number]).body).toBe(
      'Your seat at Picnic in the park (Family), Sat, 6 Jun 2026, 12:00 (Europe/Berlin) is confirmed.',
    )
  })
})
