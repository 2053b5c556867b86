// When an event happens, in words and in the viewer's time zone: a one-off
// event's own times, or for a repeating one the next occurrence (the last
// one when the series is over) and how often it repeats.
import type { CalendarHandle, EventSummary, Occurrence } from '@plansync/client-sdk'
import { Temporal } from 'temporal-polyfill'
import { fromWallTime, userTimeZone } from '../ui/wall-time.ts'

export interface EventWhen {
  /** The time in words, e.g. "Saturday 21 March 2026, 10:00 – 11:30". */
  text: string
  /** The start as an ISO instant or date, for `<time dateTime>`. */
  dateTime: string
  /** "Repeats every week", or null for a one-off event. */
  repeats: string | null
  /** "Next time" or "Last time" for a repeating event. */
  which: string | null
}

const DAY_MS = 86_400_000
const WINDOW_MS = 400 * DAY_MS

export function describeWhen(
  calendar: CalendarHandle,
  event: EventSummary,
  now = Date.now(),
): EventWhen {
  if (!event.rrule) {
    const text = event.allDay
      ? dateRange(event.start, event.end)
      : timeRange(
          fromWallTime(event.start, event.timeZone),
          fromWallTime(event.end, event.timeZone),
        )
    return { text, dateTime: event.start, repeats: null, which: null }
  }
  const mine = (o: Occurrence) => o.eventId === event.id
  const zone = userTimeZone()
  const next = calendar.occurrences(now, now + WINDOW_MS, { viewZone: zone }).find(mine)
  const last = next
    ? undefined
    : calendar
        .occurrences(now - WINDOW_MS, now, { viewZone: zone })
        .filter(mine)
        .at(-1)
  const shown = next ?? last
  const repeats = describeRule(event.rrule)
  if (!shown)
    return { text: dateRange(event.start, event.end), dateTime: event.start, repeats, which: null }
  return {
    text: shown.allDay ? dateRange(shown.start, shown.end) : timeRange(shown.startMs, shown.endMs),
    dateTime: shown.allDay ? shown.start : new Date(shown.startMs).toISOString(),
    repeats,
    which: next ? 'Next time' : 'Last time',
  }
}

function timeRange(startMs: number, endMs: number): string {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' })
  return endMs > startMs ? format.formatRange(startMs, endMs) : format.format(startMs)
}

/** All-day: dates with an exclusive end, shown as the days they cover. */
function dateRange(start: string, end: string): string {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeZone: 'UTC' })
  const first = Date.parse(`${start.slice(0, 10)}T00:00:00Z`)
  const last = Math.max(first, Date.parse(`${end.slice(0, 10)}T00:00:00Z`) - DAY_MS)
  return `${last > first ? format.formatRange(first, last) : format.format(first)}, all day`
}

const UNITS: Record<string, [string, string]> = {
  DAILY: ['day', 'days'],
  WEEKLY: ['week', 'weeks'],
  MONTHLY: ['month', 'months'],
  YEARLY: ['year', 'years'],
}

/** A rule in words, roughly: "Repeats every 2 weeks". */
export function describeRule(rrule: string): string {
  const parts = new Map(
    rrule
      .replace(/^RRULE:/i, '')
      .split(';')
      .map((part) => part.split('=') as [string, string]),
  )
  const unit = UNITS[parts.get('FREQ') ?? '']
  if (!unit) return 'Repeats'
  const interval = Number(parts.get('INTERVAL') ?? '1')
  const every = interval > 1 ? `every ${interval} ${unit[1]}` : `every ${unit[0]}`
  const until = parts.has('COUNT') ? `, ${parts.get('COUNT')} times` : ''
  return `Repeats ${every}${until}`
}

/** A task's due date (`YYYY-MM-DD`) in short words, e.g. "Sat 21 Mar". */
export function formatDue(date: string): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(Date.parse(`${date}T00:00:00Z`))
}

/** Today in the viewer's zone, `YYYY-MM-DD`. */
export function today(): string {
  return Temporal.Now.plainDateISO(userTimeZone()).toString()
}
