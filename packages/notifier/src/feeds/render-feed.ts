// Renders calendars as one iCal feed (RFC 5545) with ical-generator, the way
// Google, Apple and Outlook read subscriptions: a stable UID per event,
// DTSTAMP in UTC and SEQUENCE from the recorded versions (so unchanged data
// renders byte for byte the same), TZID with VTIMEZONE blocks, RRULE and
// EXDATE, RECURRENCE-ID for changed occurrences, all-day events as
// VALUE=DATE with an exclusive end, refresh hints, CRLF and 75-octet folding
// (ical-generator). The free/busy variant keeps only times and busy state.

import { type EventSummary, expandEvent } from '@plansync/schema'
import { getVtimezoneComponent } from '@touch4it/ical-timezones'
import ical, {
  ICalEventBusyStatus,
  ICalEventClass,
  ICalEventStatus,
  ICalEventTransparency,
} from 'ical-generator'
import { Temporal } from 'temporal-polyfill'
import type { EventVersion } from './feed-versions.ts'

export interface FeedCalendar {
  name: string
  events: readonly EventSummary[]
  versions: ReadonlyMap<string, EventVersion>
}

export interface FeedInput {
  name: string
  calendars: readonly FeedCalendar[]
  busyOnly: boolean
  /** How often subscribers should fetch again. */
  refreshMinutes: number
}

export const FEED_CONTENT_TYPE = 'text/calendar; charset=utf-8'

export function renderFeed(input: FeedInput): string {
  const calendar = ical({
    name: input.name,
    prodId: '//plansync//feeds//EN',
    timezone: { name: null, generator: getVtimezoneComponent },
    ttl: input.refreshMinutes * 60,
  })
  const entries = input.calendars
    .flatMap((cal) => cal.events.map((event) => ({ cal, event })))
    .filter(({ event }) => event.status !== 'cancelled')
    .sort((a, b) => a.event.id.localeCompare(b.event.id))
  for (const { cal, event } of entries) {
    const version = cal.versions.get(event.id) ?? { sequence: 0, stamp: 0 }
    const cancelled = Object.entries(event.overrides)
      .filter(([, fields]) => fields.status === 'cancelled')
      .map(([id]) => id)
    calendar.createEvent({
      ...common(event, version, event, input.busyOnly),
      ...(event.rrule ? { repeating: repeatingOf(event, [...event.exdates, ...cancelled]) } : {}),
    })
    const changed = Object.entries(event.overrides)
      .filter(([, fields]) => fields.status !== 'cancelled')
      // The schema ignores overrides of occurrences the rule no longer makes
      // or that were deleted; a RECURRENCE-ID for them would be a phantom event.
      .filter(([id]) => event.rrule !== null && isOccurrenceOf(event, id))
      .sort(([a], [b]) => a.localeCompare(b))
    for (const [recurrenceId, fields] of changed) {
      const occurrence: EventSummary = {
        ...event,
        ...fields,
        start: fields.start ?? shiftTo(event, recurrenceId, 'start'),
        end: fields.end ?? shiftTo(event, recurrenceId, 'end'),
      }
      calendar.createEvent({
        ...common(occurrence, version, event, input.busyOnly),
        recurrenceId: when(event, recurrenceId),
      })
    }
  }
  // RFC 5545 ends every content line with CRLF, the last one too.
  const text = calendar.toString()
  return text.endsWith('\r\n') ? text : `${text}\r\n`
}

function common(
  fields: EventSummary,
  version: EventVersion,
  event: EventSummary,
  busyOnly: boolean,
) {
  return {
    id: `${event.id}@plansync`,
    start: when(event, fields.start),
    end: when(event, fields.end),
    allDay: event.allDay,
    ...(event.allDay ? {} : { timezone: event.timeZone }),
    stamp: new Date(version.stamp),
    sequence: version.sequence,
    ...(busyOnly
      ? {
          summary: 'Busy',
          class: ICalEventClass.PRIVATE,
          busystatus: ICalEventBusyStatus.BUSY,
          transparency: ICalEventTransparency.OPAQUE,
        }
      : {
          summary: fields.title,
          ...(fields.location ? { location: fields.location } : {}),
          ...(fields.description ? { description: fields.description } : {}),
          status:
            fields.status === 'tentative' ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
        }),
  }
}

/** A wall time in the event's zone (or a date for all-day events), as ical-generator takes it. */
function when(event: EventSummary, value: string): Temporal.ZonedDateTime | Temporal.PlainDate {
  if (event.allDay) return Temporal.PlainDate.from(value)
  return Temporal.PlainDateTime.from(value).toZonedDateTime(event.timeZone, {
    disambiguation: 'compatible',
  })
}

/** An occurrence's start or end when only other fields changed: the series' times moved to it. */
function shiftTo(event: EventSummary, recurrenceId: string, field: 'start' | 'end'): string {
  if (field === 'start') return recurrenceId
  if (event.allDay) {
    const length = Temporal.PlainDate.from(event.start).until(Temporal.PlainDate.from(event.end))
    return Temporal.PlainDate.from(recurrenceId).add(length).toString()
  }
  const length = Temporal.PlainDateTime.from(event.start).until(
    Temporal.PlainDateTime.from(event.end),
  )
  return Temporal.PlainDateTime.from(recurrenceId).add(length).toString({ smallestUnit: 'minute' })
}

function repeatingOf(event: EventSummary, excluded: readonly string[]): string {
  const lines = [`RRULE:${event.rrule}`]
  for (const id of [...new Set(excluded)].sort()) {
    lines.push(
      event.allDay
        ? `EXDATE;VALUE=DATE:${id.replaceAll('-', '')}`
        : `EXDATE;TZID=${event.timeZone}:${Temporal.PlainDateTime.from(id)
            .toString({ smallestUnit: 'second' })
            .replace(/[-:]/g, '')}`,
    )
  }
  return lines.join('\n')
}

/** Whether the series (its rule, minus EXDATEs) has an occurrence with this recurrence id. */
function isOccurrenceOf(event: EventSummary, recurrenceId: string): boolean {
  const start = when(event, recurrenceId)
  const ms =
    start instanceof Temporal.PlainDate
      ? start.toZonedDateTime('UTC').epochMilliseconds
      : start.epochMilliseconds
  const id = event.allDay
    ? Temporal.PlainDate.from(recurrenceId).toString()
    : Temporal.PlainDateTime.from(recurrenceId).toString({ smallestUnit: 'minute' })
  return expandEvent({ ...event, overrides: {} }, ms, ms + 1).some((o) => o.recurrenceId === id)
}
