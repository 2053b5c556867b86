// Calendar docs: typed writes that refuse bad input, reads that skip and
// report hostile values, and the merge results of concurrent offline edits.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  createEvent,
  deleteEvent,
  eventsOf,
  readCalendarMeta,
  readEvents,
  updateEvent,
} from './calendar-doc.ts'
import { SchemaError, type SchemaIssue } from './issues.ts'
import { metaOf } from './version.ts'

const picnic = {
  title: 'Picnic',
  start: '2026-06-06T12:00',
  end: '2026-06-06T15:00',
  timeZone: 'Europe/Berlin',
}

/** Two replicas that start from the same state and then diverge offline. */
function replicas(setup: (doc: Y.Doc) => void) {
  const a = new Y.Doc()
  setup(a)
  const b = new Y.Doc()
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  const sync = () => {
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  }
  return { a, b, sync }
}

describe('calendar doc', () => {
  it('writes and reads events with defaults, sorted by start', () => {
    const doc = new Y.Doc()
    createEvent(doc, 'e2', { ...picnic, reminders: [30, 1440] })
    createEvent(doc, 'e1', {
      title: 'Camping',
      allDay: true,
      start: '2026-06-05',
      end: '2026-06-08',
      rrule: 'FREQ=YEARLY',
    })
    const [camping, event] = readEvents(doc)
    expect(camping).toMatchObject({
      id: 'e1',
      allDay: true,
      end: '2026-06-08',
      timeZone: 'UTC',
      rrule: 'FREQ=YEARLY',
      status: 'confirmed',
    })
    expect(event).toMatchObject({
      id: 'e2',
      title: 'Picnic',
      timeZone: 'Europe/Berlin',
      reminders: [30, 1440],
      exdates: [],
      overrides: {},
    })
  })

  it('refuses bad input with a SchemaError naming the field, and writes nothing', () => {
    const doc = new Y.Doc()
    const attempts: Array<[string, () => void]> = [
      ['events.e1.timeZone', () => createEvent(doc, 'e1', { ...picnic, timeZone: 'Mars/Olympus' })],
      ['events.e1.end', () => createEvent(doc, 'e1', { ...picnic, end: '2026-06-06T11:00' })],
      ['events.e1.start', () => createEvent(doc, 'e1', { ...picnic, start: '2026-02-30T10:00' })],
      ['events.e1', () => createEvent(doc, 'e1', { ...picnic, allDay: true })],
      ['events.e1.rrule', () => createEvent(doc, 'e1', { ...picnic, rrule: 'not a rule' })],
      ['events.e1.reminders', () => createEvent(doc, 'e1', { ...picnic, reminders: [-5] })],
      ['events', () => createEvent(doc, '../x', picnic)],
    ]
    for (const [path, attempt] of attempts) {
      expect(attempt).toThrow(SchemaError)
      try {
        attempt()
      } catch (error) {
        expect((error as SchemaError).path).toBe(path)
      }
    }
    expect(eventsOf(doc).size).toBe(0)
    createEvent(doc, 'e1', picnic)
    expect(() => updateEvent(doc, 'e1', { end: '2026-06-06T11:00' })).toThrow(
      /end: must be after start/,
    )
    expect(readEvents(doc)[0]?.end).toBe('2026-06-06T15:00')
  })

  it('skips and reports hostile stored values instead of crashing', () => {
    const doc = new Y.Doc()
    createEvent(doc, 'good', picnic)
    const issues: SchemaIssue[] = []
    doc.transact(() => {
      metaOf(doc).set('name', 42)
      metaOf(doc).set('timeZone', 'Nowhere/Land')
      eventsOf(doc).set(
        'bad-times',
        new Y.Map(Object.entries({ title: 'x', start: 'yesterday', end: 7 })) as Y.Map<unknown>,
      )
      eventsOf(doc).set('not-a-map', 'hello' as unknown as Y.Map<unknown>)
      const odd = new Y.Map<unknown>()
      eventsOf(doc).set('odd-fields', odd)
      for (const [k, v] of Object.entries({
        ...picnic,
        title: { nested: true },
        status: 'exploded',
        reminders: 'soon',
      }))
        odd.set(k, v)
    })
    expect(readCalendarMeta(doc, (issue) => issues.push(issue))).toEqual({
      name: '',
      colour: '#3b82f6',
      timeZone: 'UTC',
    })
    const events = readEvents(doc, (issue) => issues.push(issue))
    expect(events.map((e) => e.id)).toEqual(['good', 'odd-fields'])
    expect(events[1]).toMatchObject({ title: '', status: 'confirmed', reminders: [] })
    const paths = issues.map((issue) => issue.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'meta.name',
        'meta.timeZone',
        'events.bad-times',
        'events.not-a-map',
        'events.odd-fields.title',
        'events.odd-fields.status',
        'events.odd-fields.reminders',
      ]),
    )
  })

  it('merges concurrent offline edits of different fields field by field', () => {
    const { a, b, sync } = replicas((doc) => createEvent(doc, 'e1', picnic))
    updateEvent(a, 'e1', { title: 'Picnic at the lake' })
    updateEvent(b, 'e1', { start: '2026-06-06T13:00', end: '2026-06-06T16:00', location: 'Lake' })
    sync()
    expect(readEvents(a)).toEqual(readEvents(b))
    expect(readEvents(a)[0]).toMatchObject({
      title: 'Picnic at the lake',
      start: '2026-06-06T13:00',
      end: '2026-06-06T16:00',
      location: 'Lake',
    })
  })

  it('resolves the same field to one value on every replica', () => {
    const { a, b, sync } = replicas((doc) => createEvent(doc, 'e1', picnic))
    updateEvent(a, 'e1', { title: 'A' })
    updateEvent(b, 'e1', { title: 'B' })
    sync()
    const title = readEvents(a)[0]?.title
    expect(['A', 'B']).toContain(title)
    expect(readEvents(b)[0]?.title).toBe(title)
  })

  it('lets a delete win over a concurrent edit of the same event', () => {
    const { a, b, sync } = replicas((doc) => createEvent(doc, 'e1', picnic))
    deleteEvent(a, 'e1')
    updateEvent(b, 'e1', { title: 'edited offline' })
    sync()
    expect(readEvents(a)).toEqual([])
    expect(readEvents(b)).toEqual([])
  })
})
