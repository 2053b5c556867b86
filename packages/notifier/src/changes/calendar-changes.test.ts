// Calendar snapshots compared: new, moved, cancelled and deleted events;
// occurrences moved or excluded; edits that are not news; malformed values
// skipped without looking like a deletion or a creation; hostile ids.
import {
  createEvent,
  deleteEvent,
  deleteOccurrence,
  eventsOf,
  updateEvent,
  updateOccurrence,
} from '@plansync/schema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  type CalendarDigest,
  diffCalendar,
  digestCalendar,
  EMPTY_CALENDAR_DIGEST,
  parseCalendarDigest,
} from './calendar-changes.ts'

const picnic = {
  title: 'Picnic',
  start: '2026-06-06T12:00',
  end: '2026-06-06T15:00',
  timeZone: 'Europe/Berlin',
}
const standup = {
  title: 'Standup',
  start: '2026-06-01T09:00',
  end: '2026-06-01T09:15',
  timeZone: 'Europe/Berlin',
  rrule: 'FREQ=WEEKLY;BYDAY=MO',
}

/** Compares the doc with the digest recorded last time, records the new one, returns the changes. */
function tracker(doc: Y.Doc, start: CalendarDigest = digestCalendar(doc)) {
  let recorded = start
  return () => {
    const { changes, digest } = diffCalendar(recorded, digestCalendar(doc))
    // What is recorded survives a round trip through the database.
    recorded = parseCalendarDigest(JSON.parse(JSON.stringify(digest))) as CalendarDigest
    expect(recorded).toBeDefined()
    return changes
  }
}

describe('calendar changes', () => {
  it('finds new, moved, cancelled and deleted events', () => {
    const doc = new Y.Doc()
    const changes = tracker(doc, EMPTY_CALENDAR_DIGEST)
    createEvent(doc, 'picnic', picnic)
    createEvent(doc, 'party', { ...picnic, title: 'Party', status: 'cancelled' })
    // Created cancelled: nothing to announce.
    expect(changes()).toEqual([{ kind: 'event-created', eventId: 'picnic' }])
    expect(changes()).toEqual([])
    updateEvent(doc, 'picnic', { start: '2026-06-06T13:00', end: '2026-06-06T16:00' })
    expect(changes()).toEqual([{ kind: 'event-moved', eventId: 'picnic', scope: 'event' }])
    updateEvent(doc, 'picnic', { timeZone: 'Europe/London' })
    expect(changes()).toEqual([{ kind: 'event-moved', eventId: 'picnic', scope: 'event' }])
    updateEvent(doc, 'picnic', { status: 'cancelled' })
    expect(changes()).toEqual([
      { kind: 'event-cancelled', eventId: 'picnic', title: 'Picnic', reason: 'cancelled' },
    ])
    // Deleting a cancelled event, or moving it, is not news any more; back on is not announced.
    updateEvent(doc, 'picnic', { start: '2026-06-07T13:00', end: '2026-06-07T16:00' })
    expect(changes()).toEqual([])
    updateEvent(doc, 'picnic', { status: 'confirmed' })
    expect(changes()).toEqual([])
    deleteEvent(doc, 'picnic')
    deleteEvent(doc, 'party')
    expect(changes()).toEqual([
      { kind: 'event-cancelled', eventId: 'picnic', title: 'Picnic', reason: 'deleted' },
    ])
  })

  it('takes new titles, places, notes and reminders as no change', () => {
    const doc = new Y.Doc()
    createEvent(doc, 'picnic', picnic)
    const changes = tracker(doc)
    updateEvent(doc, 'picnic', {
      title: 'Big picnic',
      location: 'Riverside',
      description: 'Bring a blanket',
      reminders: [30],
      status: 'tentative',
    })
    expect(changes()).toEqual([])
    // ...but a deleted event is named by its last title.
    deleteEvent(doc, 'picnic')
    expect(changes()).toEqual([
      { kind: 'event-cancelled', eventId: 'picnic', title: 'Big picnic', reason: 'deleted' },
    ])
  })

  it('tells a changed series from changed occurrences', () => {
    const doc = new Y.Doc()
    createEvent(doc, 'standup', standup)
    const changes = tracker(doc)
    let ids = 0
    updateOccurrence(
      doc,
      { eventId: 'standup', recurrenceId: '2026-06-08T09:00' },
      'this',
      { start: '2026-06-08T10:00', end: '2026-06-08T10:15' },
      () => `new-${++ids}`,
    )
    expect(changes()).toEqual([{ kind: 'event-moved', eventId: 'standup', scope: 'occurrences' }])
    deleteOccurrence(doc, { eventId: 'standup', recurrenceId: '2026-06-15T09:00' }, 'this')
    expect(changes()).toEqual([{ kind: 'event-moved', eventId: 'standup', scope: 'occurrences' }])
    updateEvent(doc, 'standup', { rrule: 'FREQ=WEEKLY;BYDAY=TU' })
    expect(changes()).toEqual([{ kind: 'event-moved', eventId: 'standup', scope: 'event' }])
  })

  it('skips malformed values: a bad write and its fix are no deletion and no creation', () => {
    const doc = new Y.Doc()
    createEvent(doc, 'picnic', picnic)
    createEvent(doc, 'walk', { ...picnic, title: 'Walk' })
    const changes = tracker(doc)
    const raw = eventsOf(doc).get('picnic') as Y.Map<unknown>
    raw.set('start', 42)
    eventsOf(doc).set('junk', 'not a map' as unknown as Y.Map<unknown>)
    updateEvent(doc, 'walk', { start: '2026-06-06T18:00', end: '2026-06-06T19:00' })
    expect(changes()).toEqual([{ kind: 'event-moved', eventId: 'walk', scope: 'event' }])
    raw.set('start', '2026-06-06T12:00')
    expect(changes()).toEqual([])
    raw.set('end', 'soon')
    raw.set('start', '2026-06-06T14:00')
    expect(changes()).toEqual([])
    raw.set('end', '2026-06-06T17:00')
    expect(changes()).toEqual([{ kind: 'event-moved', eventId: 'picnic', scope: 'event' }])
    // An event unreadable from the start is announced once it can be read.
    const broken = new Y.Map<unknown>()
    eventsOf(doc).set('late', broken as Y.Map<unknown>)
    broken.set('title', 'Late')
    expect(changes()).toEqual([])
    broken.set('start', '2026-06-09T12:00')
    broken.set('end', '2026-06-09T13:00')
    expect(changes()).toEqual([{ kind: 'event-created', eventId: 'late' }])
  })

  it('names the author of a change only when its stamp came with that change', () => {
    const doc = new Y.Doc()
    const changes = tracker(doc, EMPTY_CALENDAR_DIGEST)
    const ann = { by: 'ann', at: Date.UTC(2026, 5, 1) }
    const bob = { by: 'bob', at: Date.UTC(2026, 5, 1) }
    createEvent(doc, 'picnic', picnic, ann)
    createEvent(doc, 'walk', { ...picnic, title: 'Walk' })
    expect(changes()).toEqual([
      { kind: 'event-created', eventId: 'picnic', author: 'ann' },
      { kind: 'event-created', eventId: 'walk' },
    ])
    // A new title is no news and leaves the stamp; a move stamps its author.
    updateEvent(doc, 'picnic', { title: 'Big picnic' }, bob)
    expect(changes()).toEqual([])
    updateEvent(doc, 'picnic', { start: '2026-06-06T13:00', end: '2026-06-06T16:00' }, bob)
    expect(changes()).toEqual([
      { kind: 'event-moved', eventId: 'picnic', scope: 'event', author: 'bob' },
    ])
    // A writer without stamps (an older client): bob's stamp is left over, so nobody is named.
    updateEvent(doc, 'picnic', { start: '2026-06-06T14:00', end: '2026-06-06T17:00' })
    expect(changes()).toEqual([{ kind: 'event-moved', eventId: 'picnic', scope: 'event' }])
    deleteEvent(doc, 'picnic', ann)
    createEvent(doc, 'split-1', { ...picnic, title: 'Big picnic' }, ann)
    const deleted = { kind: 'event-cancelled', reason: 'deleted' } as const
    const cancelled = { kind: 'event-cancelled', reason: 'cancelled' } as const
    expect(changes()).toEqual([
      { ...deleted, eventId: 'picnic', title: 'Big picnic', author: 'ann' },
      { kind: 'event-created', eventId: 'split-1', author: 'ann' },
    ])
    updateEvent(doc, 'split-1', { status: 'cancelled' }, bob)
    deleteEvent(doc, 'walk', ann)
    expect(changes()).toEqual([
      { ...cancelled, eventId: 'split-1', title: 'Big picnic', author: 'bob' },
      { ...deleted, eventId: 'walk', title: 'Walk', author: 'ann' },
    ])
    // Occurrences excluded; deleted without a record (an older client): nobody is named.
    createEvent(doc, 'standup', standup, ann)
    expect(changes()).toEqual([{ kind: 'event-created', eventId: 'standup', author: 'ann' }])
    deleteOccurrence(doc, { eventId: 'standup', recurrenceId: '2026-06-08T09:00' }, 'this', bob)
    expect(changes()).toEqual([
      { kind: 'event-moved', eventId: 'standup', scope: 'occurrences', author: 'bob' },
    ])
    eventsOf(doc).delete('standup')
    expect(changes()).toEqual([{ ...deleted, eventId: 'standup', title: 'Standup' }])
  })

  it('skips malformed author stamps and deletion records', () => {
    const doc = new Y.Doc()
    createEvent(doc, 'picnic', picnic)
    createEvent(doc, 'walk', { ...picnic, title: 'Walk' })
    const changes = tracker(doc)
    const map = eventsOf(doc).get('picnic') as Y.Map<unknown>
    doc.transact(() => {
      map.set('updatedBy', { user: 'ann' })
      map.set('start', '2026-06-06T13:00')
    })
    doc.transact(() => {
      eventsOf(doc).delete('walk')
      doc.getMap('deletedBy').set('walk', 'ann')
    })
    expect(changes()).toEqual([
      { kind: 'event-moved', eventId: 'picnic', scope: 'event' },
      { kind: 'event-cancelled', eventId: 'walk', title: 'Walk', reason: 'deleted' },
    ])
    // Recorded digests with stamps of the wrong type are not read.
    const digest = { title: 'a', when: 'x', exceptions: 'y', cancelled: false }
    expect(
      parseCalendarDigest({ v: 1, events: { a: { ...digest, by: 'ann', stamp: '1:2' } } }),
    ).toBeDefined()
    expect(parseCalendarDigest({ v: 1, events: { a: { ...digest, by: 7 } } })).toBeUndefined()
    expect(parseCalendarDigest({ v: 1, events: { a: { ...digest, stamp: 7 } } })).toBeUndefined()
  })

  it('keeps ids like __proto__ and toString as plain keys', () => {
    const doc = new Y.Doc()
    const changes = tracker(doc, EMPTY_CALENDAR_DIGEST)
    createEvent(doc, '__proto__', picnic)
    createEvent(doc, 'toString', picnic)
    expect(changes()).toEqual([
      { kind: 'event-created', eventId: '__proto__' },
      { kind: 'event-created', eventId: 'toString' },
    ])
    expect(changes()).toEqual([])
    deleteEvent(doc, '__proto__')
    expect(changes()).toEqual([
      { kind: 'event-cancelled', eventId: '__proto__', title: 'Picnic', reason: 'deleted' },
    ])
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
  })

  it('refuses recorded digests it cannot read', () => {
    expect(parseCalendarDigest(null)).toBeUndefined()
    expect(parseCalendarDigest({ v: 2, events: {} })).toBeUndefined()
    expect(parseCalendarDigest({ v: 1, events: { a: { title: 1 } } })).toBeUndefined()
    expect(parseCalendarDigest({ v: 1, events: { a: null } })).toEqual({
      v: 1,
      events: { a: null },
    })
  })
})
