// Text for notifications built from doc values, which may hold anything a
// client wrote: one line where a line is needed (a title becomes an email
// subject, and channels refuse line breaks there), bounded, and times shown
// the way people read them.
import type { EventSummary } from '@plansync/schema'

// biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
const BREAKS_AND_CONTROLS = /[\u0000-\u001f\u007f\u2028\u2029]+/g

/** `text` on one line, spaces collapsed, cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max: number): string {
  const line = text.replace(BREAKS_AND_CONTROLS, ' ').replace(/\s+/g, ' ').trim()
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`
}

/** Plain text without control characters other than line breaks and tabs, cut to `max`. */
export function plainText(text: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`
}

const wallFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})
const dateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
})

/**
 * When an event starts, as its own zone shows it: `Sat, 6 Jun 2026, 12:00
 * (Europe/Berlin)`, `Sat, 6 Jun 2026 (all day)`, with `, repeating` for a
 * series. Wall times are formatted as if in UTC, which prints them unchanged.
 */
export function describeStart(
  event: Pick<EventSummary, 'allDay' | 'start' | 'timeZone' | 'rrule'>,
): string {
  const when = event.allDay
    ? `${dateFormat.format(new Date(`${event.start}T00:00Z`))} (all day)`
    : `${wallFormat.format(new Date(`${event.start}Z`))} (${event.timeZone})`
  return event.rrule ? `${when}, repeating` : when
}
