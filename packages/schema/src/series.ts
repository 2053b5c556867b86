// Editing one occurrence of a recurring event, the way calendar apps offer
// it: "this event" (an override keyed by its recurrence id, or an EXDATE to
// delete it), "this and following" (the series ends before it and a new
// series starts there with the change), or "all events" (the series itself;
// a new time for the occurrence moves the series, see move-series.ts).
import { Temporal } from 'temporal-polyfill'
import * as Y from 'yjs'
import { type Author, isStampedEventChange, stampEvent } from './authorship.ts'
import {
  createEvent,
  deleteEvent,
  type EventFields,
  eventsOf,
  overrideKey,
  readEvent,
  updateEvent,
  validateEventFields,
} from './calendar-doc.ts'
import { SchemaError } from './issues.ts'
import { moveSeries, occurrenceTimes } from './move-series.ts'
import { expandEvent } from './recurrence.ts'

export type OccurrenceScope = 'this' | 'following' | 'all'

export interface OccurrenceRef {
  eventId: string
  /** The occurrence's original start, as `Occurrence.recurrenceId` gives it. */
  recurrenceId: string
}

/**
 * Changes one occurrence, it and the following ones, or the whole series;
 * `author` stamps what it changes (see authorship.ts).
 */
export function updateOccurrence(
  doc: Y.Doc,
  ref: OccurrenceRef,
  scope: OccurrenceScope,
  patch: Partial<EventFields>,
  newEventId: () => string,
  author?: Author,
): void {
  if (scope === 'all') {
    const { start, end, ...rest } = patch
    if (start === undefined && end === undefined) {
      updateEvent(doc, ref.eventId, patch, author)
      return
    }
    // New times for this occurrence: the whole series moves by as much.
    const { map, event } = seriesOf(doc, ref.eventId)
    const shown = occurrenceTimes(event, ref.recurrenceId)
    const to = { start: start ?? shown.start, end: end ?? shown.end }
    validateEventFields({ ...to, allDay: event.allDay }, `events.${ref.eventId}`)
    doc.transact(() => {
      moveSeries(map, event, ref.recurrenceId, to)
      if (Object.keys(rest).length > 0) updateEvent(doc, ref.eventId, rest, author)
      stampEvent(map, author)
    })
    return
  }
  const { map, event } = seriesOf(doc, ref.eventId)
  if (scope === 'this') {
    const path = `events.${ref.eventId}.overrides.${ref.recurrenceId}`
    // One occurrence cannot have its own zone, rule, all-day flag or default
    // reminders (each member's own reminders per occurrence live in their prefs doc).
    for (const field of ['timeZone', 'rrule', 'allDay', 'reminders'] as const) {
      if (patch[field] !== undefined) {
        throw new SchemaError(
          `${path}.${field}`,
          'cannot change for one occurrence; change the series',
        )
      }
    }
    validateEventFields(patch, path)
    doc.transact(() => {
      let overrides = map.get('overrides')
      if (!(overrides instanceof Y.Map)) {
        overrides = new Y.Map<unknown>()
        map.set('overrides', overrides)
      }
      for (const [field, value] of Object.entries(patch)) {
        if (value !== undefined)
          (overrides as Y.Map<unknown>).set(overrideKey(ref.recurrenceId, field), value)
      }
      if (isStampedEventChange(patch)) stampEvent(map, author)
    })
    return
  }
  // This and following: end the series before the occurrence, start a new one there.
  const { start, end } = shiftedTimes(event, ref.recurrenceId)
  const rrule = event.rrule && remainingRule(event, ref.recurrenceId)
  doc.transact(() => {
    endSeriesBefore(doc, ref, event, author)
    createEvent(
      doc,
      newEventId(),
      {
        title: event.title,
        allDay: event.allDay,
        start,
        end,
        timeZone: event.timeZone,
        rrule,
        location: event.location,
        description: event.description,
        status: event.status,
        reminders: event.reminders,
        ...patch,
      },
      author,
    )
  })
}

/**
 * Deletes one occurrence (an EXDATE), it and the following ones, or the
 * whole series; `author` stamps the series or records the deletion.
 */
export function deleteOccurrence(
  doc: Y.Doc,
  ref: OccurrenceRef,
  scope: OccurrenceScope,
  author?: Author,
): void {
  if (scope === 'all') {
    deleteEvent(doc, ref.eventId, author)
    return
  }
  const { map, event } = seriesOf(doc, ref.eventId)
  doc.transact(() => {
    if (scope === 'following') return endSeriesBefore(doc, ref, event, author)
    let exdates = map.get('exdates')
    if (!(exdates instanceof Y.Array)) {
      exdates = new Y.Array<string>()
      map.set('exdates', exdates)
    }
    const list = exdates as Y.Array<string>
    if (list.toArray().includes(ref.recurrenceId)) return
    list.push([ref.recurrenceId])
    stampEvent(map, author)
  })
}

function seriesOf(doc: Y.Doc, eventId: string) {
  const map = eventsOf(doc).get(eventId)
  const event = map instanceof Y.Map ? readEvent(eventId, map) : undefined
  if (!(map instanceof Y.Map) || !event) throw new SchemaError(`events.${eventId}`, 'no such event')
  if (event.rrule === null)
    throw new SchemaError(`events.${eventId}.rrule`, 'not a recurring event')
  return { map, event }
}

/** Sets UNTIL just before the occurrence (or deletes the series if it is the first). */
function endSeriesBefore(
  doc: Y.Doc,
  ref: OccurrenceRef,
  event: NonNullable<ReturnType<typeof readEvent>>,
  author: Author | undefined,
): void {
  if (ref.recurrenceId === event.start) {
    deleteEvent(doc, ref.eventId, author)
    return
  }
  const until = event.allDay
    ? Temporal.PlainDate.from(ref.recurrenceId).subtract({ days: 1 }).toString().replace(/-/g, '')
    : `${Temporal.PlainDateTime.from(ref.recurrenceId)
        .toZonedDateTime(event.timeZone)
        .toInstant()
        .subtract({ seconds: 1 })
        .toString({ smallestUnit: 'second' })
        .replace(/[-:]/g, '')}`
  const rule = (event.rrule as string)
    .split(';')
    .filter((part) => !part.startsWith('UNTIL=') && !part.startsWith('COUNT='))
    .concat(`UNTIL=${until}`)
    .join(';')
  updateEvent(doc, ref.eventId, { rrule: rule }, author)
}

/** The rule for the rest of a series from an occurrence: a COUNT shrinks by what came before. */
function remainingRule(
  event: NonNullable<ReturnType<typeof readEvent>>,
  recurrenceId: string,
): string {
  const rule = event.rrule as string
  const count = /(?:^|;)COUNT=(\d+)/.exec(rule)?.[1]
  if (count === undefined) return rule
  // COUNT counts occurrences before EXDATEs take any away (RFC 5545).
  const bare = { ...event, exdates: [], overrides: {} }
  const before = expandEvent(
    bare,
    splitInstant(event, event.start) - 1,
    splitInstant(event, recurrenceId),
  ).length
  return rule.replace(/COUNT=\d+/, `COUNT=${Math.max(1, Number(count) - before)}`)
}

function splitInstant(
  event: NonNullable<ReturnType<typeof readEvent>>,
  recurrenceId: string,
): number {
  const wall = event.allDay ? `${recurrenceId}T00:00` : recurrenceId
  return Temporal.PlainDateTime.from(wall).toZonedDateTime(event.allDay ? 'UTC' : event.timeZone)
    .epochMilliseconds
}

/** The occurrence's start and end, keeping the series' length. */
function shiftedTimes(event: NonNullable<ReturnType<typeof readEvent>>, recurrenceId: string) {
  const parse = (value: string) =>
    Temporal.PlainDateTime.from(event.allDay ? `${value}T00:00` : value)
  const length = parse(event.start).until(parse(event.end))
  const start = parse(recurrenceId)
  const format = (value: Temporal.PlainDateTime) =>
    event.allDay ? value.toPlainDate().toString() : value.toString({ smallestUnit: 'minute' })
  return { start: format(start), end: format(start.add(length)) }
}
