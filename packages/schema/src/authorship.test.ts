// Author stamps: writers with an author stamp what members are told about
// (and nothing else), every stamp is a new write, deletions are recorded and
// pruned, malformed stamps are skipped, and readers that do not know the
// stamps read the same events as before.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  type Author,
  DELETED_BY,
  readDeletedBy,
  readEventAuthor,
  readTaskAssigner,
} from './authorship.ts'
import { createEvent, deleteEvent, eventsOf, readEvents, updateEvent } from './calendar-doc.ts'
import { addTask, eventParts, readTasks, updateTask } from './event-doc.ts'
import { importIcs } from './ics/import-ics.ts'
import type { SchemaIssue } from './issues.ts'
import { deleteOccurrence, updateOccurrence } from './series.ts'

const T0 = Date.UTC(2026, 5, 1)
const ann: Author = { by: 'ann', at: T0 }
const bob: Author = { by: 'bob', at: T0 + 1000 }
const DAY = 24 * 60 * 60 * 1000

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

const authorOf = (doc: Y.Doc, id: string, report = (_: SchemaIssue) => {}) =>
  readEventAuthor(eventsOf(doc).get(id), `events.${id}`, report)
const assignerOf = (doc: Y.Doc, id: string) =>
  readTaskAssigner(eventParts(doc).tasks.get(id), `tasks.${id}`, () => {})

describe('event authors', () => {
  it('stamps creating, moving and cancelling, each as a new write; other edits keep the stamp', () => {
    const doc = new Y.Doc()
    createEvent(doc, 'picnic', picnic, ann)
    const created = authorOf(doc, 'picnic')
    expect(created?.userId).toBe('ann')
    updateEvent(doc, 'picnic', { title: 'Big picnic', location: 'Park', reminders: [30] }, bob)
    expect(authorOf(doc, 'picnic')).toEqual(created)
    updateEvent(doc, 'picnic', { start: '2026-06-06T13:00', end: '2026-06-06T16:00' }, ann)
    const moved = authorOf(doc, 'picnic')
    expect(moved?.userId).toBe('ann')
    expect(moved?.write).not.toBe(created?.write)
    updateEvent(doc, 'picnic', { status: 'cancelled' }, bob)
    expect(authorOf(doc, 'picnic')?.userId).toBe('bob')
    // A writer without an author leaves the stamp as it was (readers compare `write`).
    const before = authorOf(doc, 'picnic')
    updateEvent(doc, 'picnic', { status: 'confirmed' })
    expect(authorOf(doc, 'picnic')).toEqual(before)
    // Unknown to older readers: the event reads the same with and without a stamp.
    const plain = new Y.Doc()
    createEvent(plain, 'picnic', { ...picnic, start: '2026-06-06T13:00', end: '2026-06-06T16:00' })
    updateEvent(plain, 'picnic', { title: 'Big picnic', location: 'Park', reminders: [30] })
    expect(readEvents(doc)).toEqual(readEvents(plain))
  })

  it('stamps changed occurrences, split series and excluded dates', () => {
    const doc = new Y.Doc()
    createEvent(doc, 'standup', standup, ann)
    const ref = { eventId: 'standup', recurrenceId: '2026-06-08T09:00' }
    updateOccurrence(doc, ref, 'this', { title: 'Retro' }, () => 'x', bob)
    expect(authorOf(doc, 'standup')?.userId).toBe('ann')
    updateOccurrence(doc, ref, 'this', { start: '2026-06-08T10:00' }, () => 'x', bob)
    expect(authorOf(doc, 'standup')?.userId).toBe('bob')
    deleteOccurrence(doc, { eventId: 'standup', recurrenceId: '2026-06-15T09:00' }, 'this', ann)
    expect(authorOf(doc, 'standup')?.userId).toBe('ann')
    const split = { eventId: 'standup', recurrenceId: '2026-06-22T09:00' }
    const later = { start: '2026-06-22T10:00', end: '2026-06-22T10:15' }
    updateOccurrence(doc, split, 'following', later, () => 'later', bob)
    expect(authorOf(doc, 'standup')?.userId).toBe('bob')
    expect(authorOf(doc, 'later')?.userId).toBe('bob')
  })

  it('skips and reports a malformed stamp', () => {
    const doc = new Y.Doc()
    createEvent(doc, 'picnic', picnic, ann)
    const issues: SchemaIssue[] = []
    const map = eventsOf(doc).get('picnic') as Y.Map<unknown>
    for (const bad of [42, 'not an id!', { by: 'ann' }, 'x'.repeat(65)]) {
      map.set('updatedBy', bad)
      expect(authorOf(doc, 'picnic', (issue) => issues.push(issue))).toBeNull()
    }
    expect(issues.map((issue) => issue.path)).toEqual(Array(4).fill('events.picnic.updatedBy'))
    expect(readEvents(doc)).toHaveLength(1)
    expect(readEventAuthor('not a map', 'events.x', () => {})).toBeNull()
    expect(() => createEvent(doc, 'walk', picnic, { by: 'no good', at: T0 })).toThrow(TypeError)
  })
})

describe('deletions', () => {
  it('records who deleted an event, forgets it when the id comes back, and prunes', () => {
    const doc = new Y.Doc()
    createEvent(doc, 'picnic', picnic, ann)
    deleteEvent(doc, 'picnic', bob)
    expect(readDeletedBy(doc, () => {})).toEqual(new Map([['picnic', 'bob']]))
    // Deleting what is not there records nothing; a writer without an author neither.
    deleteEvent(doc, 'nothing', ann)
    createEvent(doc, 'walk', picnic)
    deleteEvent(doc, 'walk')
    expect([...readDeletedBy(doc, () => {}).keys()]).toEqual(['picnic'])
    createEvent(doc, 'picnic', picnic)
    expect(readDeletedBy(doc, () => {}).size).toBe(0)

    // A series deleted from its first occurrence is a deletion too.
    createEvent(doc, 'standup', standup, ann)
    deleteOccurrence(doc, { eventId: 'standup', recurrenceId: standup.start }, 'following', bob)
    expect(readDeletedBy(doc, () => {}).get('standup')).toBe('bob')

    // At most 50 are kept (the newest: the standup, e59 to e11), none older than a week.
    for (let i = 0; i < 60; i++) {
      createEvent(doc, `e${i}`, picnic)
      deleteEvent(doc, `e${i}`, { by: 'ann', at: T0 + i })
    }
    const kept = readDeletedBy(doc, () => {})
    expect(kept.size).toBe(50)
    expect([kept.has('standup'), kept.has('e59'), kept.has('e11'), kept.has('e10')]).toEqual([
      true,
      true,
      true,
      false,
    ])
    createEvent(doc, 'late', picnic)
    deleteEvent(doc, 'late', { by: 'bob', at: T0 + 8 * DAY })
    expect(readDeletedBy(doc, () => {})).toEqual(new Map([['late', 'bob']]))
  })

  it('skips malformed records', () => {
    const doc = new Y.Doc()
    const deletions = doc.getMap(DELETED_BY)
    deletions.set('a', { by: 'ann', at: T0 })
    deletions.set('b', 'bob')
    deletions.set('c', { by: 42, at: T0 })
    deletions.set('not an id!', { by: 'ann', at: T0 })
    deletions.set('d', new Y.Map([['by', 'ann']]))
    const issues: SchemaIssue[] = []
    expect(readDeletedBy(doc, (issue) => issues.push(issue))).toEqual(new Map([['a', 'ann']]))
    expect(issues).toHaveLength(4)
    // The next deletion drops them.
    createEvent(doc, 'e', picnic)
    deleteEvent(doc, 'e', ann)
    expect([...deletions.keys()].sort()).toEqual(['a', 'e'])
  })
})

describe('task assigners', () => {
  it('stamps who set the assignee, and only then', () => {
    const doc = new Y.Doc()
    addTask(doc, 't1', { title: 'Chairs', assignee: 'bob', due: null, done: false, order: 1 }, ann)
    addTask(doc, 't2', { title: 'Cake', assignee: null, due: null, done: false, order: 2 }, ann)
    const first = assignerOf(doc, 't1')
    expect(first?.userId).toBe('ann')
    expect(assignerOf(doc, 't2')).toBeNull()
    // The same assignee again, or other fields: the stamp stays.
    updateTask(doc, 't1', { assignee: 'bob', done: true, title: 'Four chairs' }, bob)
    expect(assignerOf(doc, 't1')).toEqual(first)
    updateTask(doc, 't1', { assignee: 'cat' }, bob)
    expect(assignerOf(doc, 't1')?.userId).toBe('bob')
    updateTask(doc, 't1', { assignee: null }, ann)
    expect(assignerOf(doc, 't1')).toBeNull()
    updateTask(doc, 't2', { assignee: 'ann' }, ann)
    expect(assignerOf(doc, 't2')?.userId).toBe('ann')
    // Unknown to older readers: tasks read as before.
    expect(readTasks(doc).map((task) => Object.keys(task).sort())).toEqual(
      Array(2).fill(['assignee', 'done', 'due', 'id', 'order', 'title']),
    )
  })
})

describe('imports', () => {
  it('stamps the events an import writes and records those it removes', () => {
    const ics = (uids: string[]) =>
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        ...uids.flatMap((uid) => [
          'BEGIN:VEVENT',
          `UID:${uid}`,
          'DTSTAMP:20260501T000000Z',
          'DTSTART:20260701T170000Z',
          'DTEND:20260701T190000Z',
          `SUMMARY:${uid}`,
          'END:VEVENT',
        ]),
        'END:VCALENDAR',
        '',
      ].join('\r\n')
    const doc = new Y.Doc()
    const options = { defaultTimeZone: 'UTC', removeMissing: true }
    importIcs(doc, ics(['a', 'b']), { ...options, author: ann })
    const ids = [...eventsOf(doc).keys()]
    expect(ids.map((id) => authorOf(doc, id)?.userId)).toEqual(['ann', 'ann'])
    importIcs(doc, ics(['a']), { ...options, author: bob })
    expect([...readDeletedBy(doc, () => {}).values()]).toEqual(['bob'])
  })
})
