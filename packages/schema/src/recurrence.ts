// Expands events into the occurrences that overlap a time range: recurring
// events by their RRULE (rrule-temporal), minus EXDATEs, with per-occurrence
// overrides applied field by field. All-day events are dates; they are placed
// in `viewZone` for the range test (a day is a day wherever you are).
//
// The rule runs on floating wall times (a zone without DST), and each wall
// time is then placed in the event's zone with Temporal: a weekly 12:00 event
// is at 12:00 local in summer and winter, and an occurrence whose local time
// falls into a spring-forward gap moves forward by the gap (02:30 becomes
// 03:30), as RFC 5545 §3.3.5 says, instead of being dropped (rrule-temporal
// alone) or moved back (ical.js). A UNTIL in UTC is turned into wall time in
// the event's zone first.
import { RRuleTemporal } from 'rrule-temporal'
import { Temporal } from 'temporal-polyfill'
import type { EventFields, EventSummary } from './calendar-doc.ts'

export interface Occurrence {
  eventId: string
  /** The original start of this occurrence (wall time or date); null for a one-off event. */
  recurrenceId: string | null
  title: string
  location: string
  description: string
  status: EventFields['status']
  allDay: boolean
  /** Wall time (or date) in `timeZone`, after any override. */
  start: string
  end: string
  timeZone: string
  /** The same as instants, epoch milliseconds. */
  startMs: number
  endMs: number
}

export interface ExpandOptions {
  /** Where all-day events are placed on the timeline; default UTC. */
  viewZone?: string
  /** A bound on occurrences per event, against runaway rules. */
  maxOccurrences?: number
}

const DAY_MS = 24 * 60 * 60 * 1000

/** Occurrences of all events overlapping [fromMs, toMs), by start. */
export function expandEvents(
  events: readonly EventSummary[],
  fromMs: number,
  toMs: number,
  options: ExpandOptions = {},
): Occurrence[] {
  return events
    .flatMap((event) => expandEvent(event, fromMs, toMs, options))
    .sort((a, b) => a.startMs - b.startMs || a.eventId.localeCompare(b.eventId))
}

export function expandEvent(
  event: EventSummary,
  fromMs: number,
  toMs: number,
  options: ExpandOptions = {},
): Occurrence[] {
  const place = placer(event, options.viewZone ?? 'UTC')
  // Recurrence ids compare in one format (`2026-03-28T12:00`), however they were stored.
  const normal = (value: string) => place.format(place.plain(value))
  const overrides = new Map(
    Object.entries(event.overrides).map(([id, fields]) => [normal(id), fields]),
  )
  const duration = place.plain(event.start).until(place.plain(event.end))
  const occurrences: Occurrence[] = []
  const push = (recurrenceId: string | null, start: Temporal.PlainDateTime) => {
    const override = recurrenceId === null ? {} : (overrides.get(recurrenceId) ?? {})
    const fields = { ...event, ...override }
    const startWall = override.start ?? place.format(start)
    const endWall = override.end ?? place.format(start.add(duration))
    const startMs = place.instant(startWall)
    const endMs = place.instant(endWall)
    if (endMs <= fromMs || startMs >= toMs) return
    occurrences.push({
      eventId: event.id,
      recurrenceId,
      title: fields.title,
      location: fields.location,
      description: fields.description,
      status: fields.status,
      allDay: event.allDay,
      start: startWall,
      end: endWall,
      timeZone: event.timeZone,
      startMs,
      endMs,
    })
  }
  if (event.rrule === null) {
    push(null, place.plain(event.start))
    return occurrences
  }
  const rule = new RRuleTemporal({
    rruleString: `DTSTART;TZID=UTC:${icsDateTime(place.plain(event.start))}\nRRULE:${floatingUntil(event.rrule, place.zone)}`,
  })
  // Widen the query by the event's length plus a day, so occurrences that
  // start before the range but overlap it, or moved by an override, count.
  const slackMs = place.instant(event.end) - place.instant(event.start) + DAY_MS
  // Floating wall times read as UTC are off from real instants by at most a day.
  const starts = rule.between(new Date(fromMs - slackMs - DAY_MS), new Date(toMs + DAY_MS), true)
  const excluded = new Set(event.exdates.map(normal))
  const made = new Set<string>()
  for (const zoned of starts.slice(0, options.maxOccurrences ?? 1000)) {
    const start = Temporal.PlainDateTime.from(zoned.toPlainDateTime().toString())
    const recurrenceId = place.format(start)
    made.add(recurrenceId)
    if (!excluded.has(recurrenceId)) push(recurrenceId, start)
  }
  // An occurrence moved far from its original start (postponed by two weeks)
  // belongs in ranges the query above does not reach: each such override is
  // looked up on its own, and counts if the rule still makes its occurrence.
  for (const [recurrenceId, override] of overrides) {
    if (override.start === undefined && override.end === undefined) continue
    if (made.has(recurrenceId) || excluded.has(recurrenceId)) continue
    const original = place.plain(recurrenceId)
    const floating = original.toZonedDateTime('UTC').epochMilliseconds
    const near = rule.between(new Date(floating - DAY_MS), new Date(floating + DAY_MS), true)
    if (near.some((zoned) => place.format(plainOf(zoned)) === recurrenceId)) {
      push(recurrenceId, original)
    }
  }
  return occurrences.sort((a, b) => a.startMs - b.startMs)
}

function plainOf(zoned: Temporal.ZonedDateTime): Temporal.PlainDateTime {
  return Temporal.PlainDateTime.from(zoned.toPlainDateTime().toString())
}

/** Converts between an event's stored wall times or dates and instants. */
function placer(event: EventSummary, viewZone: string) {
  const zone = event.allDay ? viewZone : event.timeZone
  return {
    zone,
    plain: (value: string) => Temporal.PlainDateTime.from(event.allDay ? `${value}T00:00` : value),
    format: (value: Temporal.PlainDateTime) =>
      event.allDay ? value.toPlainDate().toString() : value.toString({ smallestUnit: 'minute' }),
    instant: (value: string) =>
      Temporal.PlainDateTime.from(event.allDay ? `${value}T00:00` : value)
        // 'compatible': a time in a spring-forward gap moves forward, as RFC 5545 says.
        .toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds,
  }
}

function icsDateTime(value: Temporal.PlainDateTime): string {
  return value.toString({ smallestUnit: 'second' }).replace(/[-:]/g, '')
}

/** Rewrites `UNTIL=<UTC instant>Z` as the same moment's wall time in `zone`, for a floating rule. */
function floatingUntil(rrule: string, zone: string): string {
  return rrule.replace(/UNTIL=(\d{8}T\d{6})Z/, (_, utc: string) => {
    const iso = `${utc.slice(0, 4)}-${utc.slice(4, 6)}-${utc.slice(6, 11)}:${utc.slice(11, 13)}:${utc.slice(13, 15)}Z`
    const wall = Temporal.Instant.from(iso).toZonedDateTimeISO(zone).toPlainDateTime()
    return `UNTIL=${icsDateTime(wall)}Z`
  })
}
