// "This event", "this and following" and "all events" on a weekly series in
// Berlin, checked through the expansion a calendar view would show.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createEvent, readEvents } from './calendar-doc.ts'
import { SchemaError } from './issues.ts'
import { expandEvents } from './recurrence.ts'
import { deleteOccurrence, updateOccurrence } from './series.ts'

const range = [Date.UTC(2026, 2, 1), Date.UTC(2026, 4, 1)] as const

function weekly() {
  const doc = new Y.Doc()
  createEvent(doc, 'yoga', {
    title: 'Yoga',
    start: '2026-03-07T10:00',
    end: '2026-03-07T11:00',
    timeZone: 'Europe/Berlin',
    rrule: 'FREQ=WEEKLY;COUNT=6',
  })
  const view = () => expandEvents(readEvents(doc), ...range).map((o) => `${o.start} ${o.title}`)
  let n = 0
  return { doc, view, newId: () => `split${++n}` }
}

describe('editing occurrences of a series', () => {
  it('changes this occurrence only', () => {
    const { doc, view, newId } = weekly()
    updateOccurrence(
      doc,
      { eventId: 'yoga', recurrenceId: '2026-03-14T10:00' },
      'this',
      { title: 'Yoga outdoors', start: '2026-03-14T12:00', end: '2026-03-14T13:00' },
      newId,
    )
    expect(view()).toEqual([
      '2026-03-07T10:00 Yoga',
      '2026-03-14T12:00 Yoga outdoors',
      '2026-03-21T10:00 Yoga',
      '2026-03-28T10:00 Yoga',
      '2026-04-04T10:00 Yoga',
      '2026-04-11T10:00 Yoga',
    ])
  })

  it('changes this and the following occurrences across the DST change, keeping the count of the rest', () => {
    const { doc, view, newId } = weekly()
    updateOccurrence(
      doc,
      { eventId: 'yoga', recurrenceId: '2026-03-28T10:00' },
      'following',
      { title: 'Yoga 2' },
      newId,
    )
    expect(view()).toEqual([
      '2026-03-07T10:00 Yoga',
      '2026-03-14T10:00 Yoga',
      '2026-03-21T10:00 Yoga',
      '2026-03-28T10:00 Yoga 2',
      '2026-04-04T10:00 Yoga 2',
      '2026-04-11T10:00 Yoga 2',
    ])
    expect(readEvents(doc).find((e) => e.id === 'yoga')?.rrule).toMatch(/UNTIL=20260328T085959Z/)
  })

  it('changes all occurrences', () => {
    const { doc, view, newId } = weekly()
    updateOccurrence(
      doc,
      { eventId: 'yoga', recurrenceId: '2026-03-21T10:00' },
      'all',
      { title: 'Pilates' },
      newId,
    )
    expect(new Set(view().map((line) => line.slice(17)))).toEqual(new Set(['Pilates']))
  })

  it('deletes this occurrence, the following ones, or the series', () => {
    const one = weekly()
    deleteOccurrence(one.doc, { eventId: 'yoga', recurrenceId: '2026-03-14T10:00' }, 'this')
    expect(one.view()).not.toContain('2026-03-14T10:00 Yoga')
    expect(one.view()).toHaveLength(5)
    const following = weekly()
    deleteOccurrence(
      following.doc,
      { eventId: 'yoga', recurrenceId: '2026-03-21T10:00' },
      'following',
    )
    expect(following.view()).toEqual(['2026-03-07T10:00 Yoga', '2026-03-14T10:00 Yoga'])
    const all = weekly()
    deleteOccurrence(all.doc, { eventId: 'yoga', recurrenceId: '2026-03-21T10:00' }, 'all')
    expect(all.view()).toEqual([])
  })

  it('merges two people editing one occurrence field by field', () => {
    const a = weekly()
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a.doc))
    const ref = { eventId: 'yoga', recurrenceId: '2026-03-14T10:00' }
    updateOccurrence(a.doc, ref, 'this', { title: 'Yoga by the lake' }, a.newId)
    updateOccurrence(b, ref, 'this', { location: 'Lake' }, a.newId)
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a.doc))
    const occurrence = (doc: Y.Doc) =>
      expandEvents(readEvents(doc), ...range).find((o) => o.recurrenceId === ref.recurrenceId)
    expect(occurrence(a.doc)).toMatchObject({ title: 'Yoga by the lake', location: 'Lake' })
    expect(occurrence(b)).toEqual(occurrence(a.doc))
  })

  it('refuses what one occurrence cannot have on its own, writing nothing', () => {
    const { doc, view, newId } = weekly()
    const before = view()
    const ref = { eventId: 'yoga', recurrenceId: '2026-03-14T10:00' }
    for (const patch of [
      { reminders: [120] },
      { timeZone: 'UTC' },
      { rrule: 'FREQ=DAILY' },
      { allDay: true },
    ]) {
      expect(() => updateOccurrence(doc, ref, 'this', patch, newId)).toThrow(SchemaError)
    }
    expect(view()).toEqual(before)
    expect(readEvents(doc)[0]?.overrides).toEqual({})
  })
})

describe('moving a whole series from one occurrence', () => {
  it('moves the series, its exclusions and its changed occurrences by the same amount', () => {
    const { doc, view, newId } = weekly()
    const at = (recurrenceId: string) => ({ eventId: 'yoga', recurrenceId })
    updateOccurrence(doc, at('2026-03-14T10:00'), 'this', { title: 'Yoga outdoors' }, newId)
    deleteOccurrence(doc, at('2026-03-21T10:00'), 'this')
    // The fourth Saturday dragged to Sunday 9:00 for 90 minutes, for all events.
    updateOccurrence(
      doc,
      at('2026-03-28T10:00'),
      'all',
      { start: '2026-03-29T09:00', end: '2026-03-29T10:30' },
      newId,
    )
    expect(view()).toEqual([
      '2026-03-08T09:00 Yoga',
      '2026-03-15T09:00 Yoga outdoors',
      '2026-03-29T09:00 Yoga',
      '2026-04-05T09:00 Yoga',
      '2026-04-12T09:00 Yoga',
    ])
    const [yoga] = readEvents(doc)
    expect(yoga).toMatchObject({ start: '2026-03-08T09:00', end: '2026-03-08T10:30' })
    expect(yoga?.exdates).toEqual(['2026-03-22T09:00'])
  })

  it('moves the weekdays of a rule and its end date along', () => {
    const doc = new Y.Doc()
    createEvent(doc, 'club', {
      title: 'Club',
      allDay: true,
      start: '2026-03-07',
      end: '2026-03-08',
      rrule: 'FREQ=WEEKLY;BYDAY=SA;UNTIL=20260328',
    })
    updateOccurrence(
      doc,
      { eventId: 'club', recurrenceId: '2026-03-14' },
      'all',
      { start: '2026-03-15', end: '2026-03-16' },
      () => 'unused',
    )
    const [club] = readEvents(doc)
    expect(club?.rrule).toBe('FREQ=WEEKLY;BYDAY=SU;UNTIL=20260329')
    expect(expandEvents(readEvents(doc), ...range).map((o) => o.start)).toEqual([
      '2026-03-08',
      '2026-03-15',
      '2026-03-22',
      '2026-03-29',
    ])
  })

  it('changes other fields of the series without moving it when no time is given', () => {
    const { doc, view, newId } = weekly()
    updateOccurrence(
      doc,
      { eventId: 'yoga', recurrenceId: '2026-03-14T10:00' },
      'all',
      { title: 'Pilates' },
      newId,
    )
    expect(view()[0]).toBe('2026-03-07T10:00 Pilates')
  })
})
