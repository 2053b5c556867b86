// The calendar doc (`calendar:<id>`):
//
//   meta    Y.Map   name, colour, timeZone (default IANA zone), schemaVersion
//   events  Y.Map   event id → Y.Map of the event's fields (below)
//
// An event's fields are top-level keys of its own Y.Map, so concurrent edits
// of different fields merge and the same field resolves last-writer-wins:
//   title, allDay, start, end (wall time `YYYY-MM-DDTHH:mm` in timeZone, or
//   dates with an exclusive end when allDay), timeZone, rrule (RFC 5545
//   RRULE value, e.g. `FREQ=WEEKLY;BYDAY=SA`), exdates (Y.Array of
//   recurrence ids), overrides (Y.Map `<recurrence id>/<field>` → value, so
//   two people changing one occurrence merge field by field), location,
//   description, status,
//   reminders (Y.Array of minutes before start: the event's defaults),
//   updatedBy (who last created, moved or cancelled it; see authorship.ts).
//
//   deletedBy Y.Map   event id → { by, at }: who deleted it (authorship.ts)
import * as Y from 'yjs'
import {
  type Author,
  forgetDeletion,
  isStampedEventChange,
  recordDeletion,
  stampEvent,
} from './authorship.ts'
import { type IssueReporter, ignoreIssues, SchemaError } from './issues.ts'
import { describe, readFields } from './read-fields.ts'
import {
  integer,
  isBoolean,
  isColour,
  isDate,
  isId,
  isTimeZone,
  isWallTime,
  LIMITS,
  oneOf,
  text,
} from './values.ts'
import { metaOf } from './version.ts'

export type EventStatus = 'confirmed' | 'tentative' | 'cancelled'

export interface CalendarMeta {
  name: string
  colour: string
  timeZone: string
}

export interface EventSummary {
  id: string
  title: string
  allDay: boolean
  /** Wall time (timed) or date (all-day). */
  start: string
  /** Wall time (timed) or exclusive date (all-day). */
  end: string
  timeZone: string
  rrule: string | null
  exdates: string[]
  /** Recurrence id → the fields that occurrence changes. */
  overrides: Record<string, Partial<EventFields>>
  location: string
  description: string
  status: EventStatus
  reminders: number[]
}

export type EventFields = Omit<EventSummary, 'id' | 'exdates' | 'overrides'>

const metaSpec = { name: text(LIMITS.title), colour: isColour, timeZone: isTimeZone }

const fieldSpec = {
  title: text(LIMITS.title),
  allDay: isBoolean,
  start: (v: unknown) => isWallTime(v) ?? isDate(v),
  end: (v: unknown) => isWallTime(v) ?? isDate(v),
  timeZone: isTimeZone,
  rrule: (v: unknown) => (v === null ? null : isRrule(v)),
  location: text(LIMITS.text),
  description: text(LIMITS.text),
  status: oneOf('confirmed', 'tentative', 'cancelled'),
}

const isReminder = integer(0, 60 * 24 * 366)

function isRrule(value: unknown): string | undefined {
  return typeof value === 'string' &&
    value.length <= 500 &&
    /^FREQ=[A-Z]+(;[A-Z]+=[A-Z0-9,+-]+)*$/.test(value)
    ? value
    : undefined
}

export function eventsOf(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap('events')
}

export function readCalendarMeta(doc: Y.Doc, report: IssueReporter = ignoreIssues): CalendarMeta {
  const fields = readFields(metaOf(doc), metaSpec, 'meta', report)
  return {
    name: fields.name ?? '',
    colour: fields.colour ?? '#3b82f6',
    timeZone: fields.timeZone ?? 'UTC',
  }
}

/** Every readable event; a malformed one is skipped and reported. */
export function readEvents(doc: Y.Doc, report: IssueReporter = ignoreIssues): EventSummary[] {
  const events: EventSummary[] = []
  for (const [id, map] of eventsOf(doc)) {
    const event = readEvent(id, map, report)
    if (event) events.push(event)
  }
  return events.sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id))
}

export function readEvent(
  id: string,
  map: unknown,
  report: IssueReporter = ignoreIssues,
): EventSummary | undefined {
  const path = `events.${id}`
  if (isId(id) === undefined || !(map instanceof Y.Map)) {
    report({ path, reason: `not an event: ${describe(map)}` })
    return undefined
  }
  const f = readFields(map, fieldSpec, path, report)
  const allDay = f.allDay ?? false
  const timeZone = f.timeZone ?? 'UTC'
  const timeCheck = allDay ? isDate : isWallTime
  if (
    timeCheck(f.start) === undefined ||
    timeCheck(f.end) === undefined ||
    (f.end as string) <= (f.start as string)
  ) {
    report({ path, reason: 'missing or inconsistent start/end' })
    return undefined
  }
  return {
    id,
    title: f.title ?? '',
    allDay,
    start: f.start as string,
    end: f.end as string,
    timeZone,
    rrule: f.rrule ?? null,
    exdates: readList(
      map.get('exdates'),
      (v) => isWallTime(v) ?? isDate(v),
      `${path}.exdates`,
      report,
    ),
    overrides: readOverrides(map.get('overrides'), `${path}.overrides`, report),
    location: f.location ?? '',
    description: f.description ?? '',
    status: f.status ?? 'confirmed',
    reminders: readList(map.get('reminders'), isReminder, `${path}.reminders`, report).slice(
      0,
      LIMITS.reminders,
    ),
  }
}

function readList<T>(
  raw: unknown,
  check: (v: unknown) => T | undefined,
  path: string,
  report: IssueReporter,
): T[] {
  if (raw === undefined) return []
  if (!(raw instanceof Y.Array)) {
    report({ path, reason: `not a list: ${describe(raw)}` })
    return []
  }
  const out: T[] = []
  for (const item of raw.toArray()) {
    const value = check(item)
    if (value === undefined) report({ path, reason: `invalid item ${describe(item)}` })
    else out.push(value)
  }
  return out
}

/** Override keys are `<recurrence id>/<field>`, so edits of one occurrence merge field by field. */
export function overrideKey(recurrenceId: string, field: string): string {
  return `${recurrenceId}/${field}`
}

function readOverrides(
  raw: unknown,
  path: string,
  report: IssueReporter,
): Record<string, Partial<EventFields>> {
  if (raw === undefined) return {}
  if (!(raw instanceof Y.Map)) {
    report({ path, reason: `not a map: ${describe(raw)}` })
    return {}
  }
  const out: Record<string, Record<string, unknown>> = {}
  for (const [key, value] of raw) {
    const slash = key.lastIndexOf('/')
    const recurrenceId = key.slice(0, slash)
    const field = key.slice(slash + 1)
    const check = fieldSpec[field as keyof typeof fieldSpec]
    if (slash < 0 || (isWallTime(recurrenceId) ?? isDate(recurrenceId)) === undefined || !check) {
      report({ path: `${path}.${key}`, reason: 'not an occurrence override' })
      continue
    }
    const checked = check(value)
    if (checked === undefined) {
      report({ path: `${path}.${key}`, reason: `invalid value ${describe(value)}` })
      continue
    }
    out[recurrenceId] ??= {}
    ;(out[recurrenceId] as Record<string, unknown>)[field] = checked
  }
  return out as Record<string, Partial<EventFields>>
}

export type EventInput = Partial<EventFields> & Pick<EventFields, 'title' | 'start' | 'end'>

/** Checks an event's fields before they are written; throws SchemaError naming the field. */
export function validateEventFields(fields: Partial<EventFields>, path: string): void {
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'reminders') {
      const list = value as unknown
      if (
        !Array.isArray(list) ||
        list.length > LIMITS.reminders ||
        list.some((m) => isReminder(m) === undefined)
      ) {
        throw new SchemaError(`${path}.reminders`, 'minutes before start, 0 to 527040, at most 20')
      }
      continue
    }
    const check = fieldSpec[key as keyof typeof fieldSpec]
    if (!check) throw new SchemaError(`${path}.${key}`, 'unknown field')
    if (check(value) === undefined)
      throw new SchemaError(`${path}.${key}`, `invalid value ${describe(value)}`)
  }
  if (fields.start !== undefined && fields.end !== undefined) {
    const timeCheck = fields.allDay ? isDate : isWallTime
    if (timeCheck(fields.start) === undefined || timeCheck(fields.end) === undefined) {
      throw new SchemaError(
        path,
        fields.allDay ? 'all-day events use dates' : 'timed events use wall times',
      )
    }
    if (fields.end <= fields.start) throw new SchemaError(`${path}.end`, 'must be after start')
  }
}

/** Writes the given fields into an event map, in the caller's transaction. */
export function writeEventFields(map: Y.Map<unknown>, fields: Partial<EventFields>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue
    if (key === 'reminders') map.set(key, Y.Array.from(value as number[]))
    else map.set(key, value)
  }
}

/** Creates an event; `author` stamps it (`updatedBy`, see authorship.ts). */
export function createEvent(doc: Y.Doc, id: string, input: EventInput, author?: Author): void {
  if (isId(id) === undefined) throw new SchemaError('events', `invalid event id ${describe(id)}`)
  validateEventFields(input, `events.${id}`)
  doc.transact(() => {
    const map = new Y.Map<unknown>()
    eventsOf(doc).set(id, map)
    // Containers exist from the start: two replicas creating them later would race.
    map.set('overrides', new Y.Map<unknown>())
    map.set('exdates', new Y.Array<string>())
    writeEventFields(map, { allDay: false, timeZone: 'UTC', status: 'confirmed', ...input })
    stampEvent(map, author)
    forgetDeletion(doc, id)
  })
}

/** Changes an event; `author` stamps a change of its time, rule or status. */
export function updateEvent(
  doc: Y.Doc,
  id: string,
  patch: Partial<EventFields>,
  author?: Author,
): void {
  const map = eventsOf(doc).get(id)
  if (!(map instanceof Y.Map)) throw new SchemaError(`events.${id}`, 'no such event')
  validateEventFields(patch, `events.${id}`)
  if (patch.start !== undefined || patch.end !== undefined || patch.allDay !== undefined) {
    // A partial change of the time is checked against the stored rest.
    validateEventFields(
      {
        allDay: patch.allDay ?? (map.get('allDay') as boolean | undefined) ?? false,
        start: patch.start ?? (map.get('start') as string),
        end: patch.end ?? (map.get('end') as string),
      },
      `events.${id}`,
    )
  }
  doc.transact(() => {
    writeEventFields(map, patch)
    if (isStampedEventChange(patch)) stampEvent(map, author)
  })
}

/** Deletes an event; `author` is recorded in `deletedBy` (the event's own stamp goes with it). */
export function deleteEvent(doc: Y.Doc, id: string, author?: Author): void {
  const events = eventsOf(doc)
  if (!events.has(id)) return
  doc.transact(() => {
    events.delete(id)
    recordDeletion(doc, id, author)
  })
}
