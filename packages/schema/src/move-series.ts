// Moving a whole series from one of its occurrences ("all events" with a new
// time for that occurrence): the series, its excluded dates and its changed
// occurrences all move by the same amount, so exceptions stay attached to
// the occurrences they were made for (keyed by recurrence id, which moves
// with the series start). A move by whole days also moves weekly BYDAY
// days (a Saturday series moved a day on runs on Sundays); other BY* parts
// of a rule stay as they are.
import { Temporal } from 'temporal-polyfill'
import * as Y from 'yjs'
import type { EventFields, EventSummary } from './calendar-doc.ts'

const DAY_MINUTES = 24 * 60
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const

/** A wall time (`YYYY-MM-DDTHH:mm`) or date moved by whole minutes (dates by whole days). */
export function shiftWall(value: string, minutes: number): string {
  if (value.length === 10) {
    return Temporal.PlainDate.from(value)
      .add({ days: Math.round(minutes / DAY_MINUTES) })
      .toString()
  }
  return Temporal.PlainDateTime.from(value).add({ minutes }).toString({ smallestUnit: 'minute' })
}

/** Minutes from one wall time (or date) to another. */
export function minutesBetween(from: string, to: string): number {
  const at = (value: string) =>
    Temporal.PlainDateTime.from(value.length === 10 ? `${value}T00:00` : value)
  return at(from).until(at(to), { largestUnit: 'minutes' }).minutes
}

/** The times an occurrence shows: its own (an override) or the series' shifted to it. */
export function occurrenceTimes(
  event: EventSummary,
  recurrenceId: string,
): { start: string; end: string } {
  const own = event.overrides[recurrenceId]
  const start = own?.start ?? recurrenceId
  const end = own?.end ?? shiftWall(recurrenceId, minutesBetween(event.start, event.end))
  return { start, end }
}

/**
 * Writes the series `event` (its Y.Map is `map`) moved so that the occurrence
 * `recurrenceId` shows at `to`: a new start and length for the series, and
 * every exception moved along. Call inside a transaction.
 */
export function moveSeries(
  map: Y.Map<unknown>,
  event: EventSummary,
  recurrenceId: string,
  to: { start: string; end: string },
): void {
  const delta = minutesBetween(occurrenceTimes(event, recurrenceId).start, to.start)
  const length = minutesBetween(to.start, to.end)
  const start = shiftWall(event.start, delta)
  map.set('start', start)
  map.set('end', shiftWall(start, length))
  if (delta === 0) return
  if (event.rrule) map.set('rrule', shiftRule(event.rrule, delta))
  const exdates = map.get('exdates')
  if (exdates instanceof Y.Array && exdates.length > 0) {
    const moved = (exdates.toArray() as string[]).map((date) => shiftWall(date, delta))
    exdates.delete(0, exdates.length)
    exdates.push(moved)
  }
  const overrides = map.get('overrides')
  if (overrides instanceof Y.Map && overrides.size > 0) {
    const entries = [...overrides.entries()]
    overrides.clear()
    for (const [key, value] of entries) {
      const slash = key.lastIndexOf('/')
      const field = key.slice(slash + 1) as keyof EventFields
      const id = shiftWall(key.slice(0, slash), delta)
      // An occurrence moved on its own moves along too.
      const moved = (field === 'start' || field === 'end') && typeof value === 'string'
      overrides.set(`${id}/${field}`, moved ? shiftWall(value, delta) : value)
    }
  }
}

/** A rule's UNTIL moved by `minutes`, and by whole days its BYDAY weekdays (`SA`, `1MO`). */
function shiftRule(rrule: string, minutes: number): string {
  const days = minutes % DAY_MINUTES === 0 ? minutes / DAY_MINUTES : 0
  return rrule
    .split(';')
    .map((part) => {
      if (part.startsWith('UNTIL='))
        return `UNTIL=${shiftUntil(part.slice('UNTIL='.length), minutes)}`
      if (!part.startsWith('BYDAY=') || days === 0) return part
      const moved = part
        .slice('BYDAY='.length)
        .split(',')
        .map((token) => {
          const match = /^([+-]?\d*)(MO|TU|WE|TH|FR|SA|SU)$/.exec(token)
          if (!match) return token
          const index = WEEKDAYS.indexOf(match[2] as (typeof WEEKDAYS)[number])
          return `${match[1]}${WEEKDAYS[(((index + days) % 7) + 7) % 7]}`
        })
      return `BYDAY=${moved.join(',')}`
    })
    .join(';')
}

/** UNTIL as a date (`20260328`) or a UTC time (`20260328T095959Z`), moved along. */
function shiftUntil(until: string, minutes: number): string {
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(until)
  if (date) {
    return shiftWall(`${date[1]}-${date[2]}-${date[3]}`, minutes).replace(/-/g, '')
  }
  const time = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(until)
  if (!time) return until
  const [, y, mo, d, h, mi, s] = time
  return Temporal.Instant.from(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`)
    .add({ minutes })
    .toString({ smallestUnit: 'second' })
    .replace(/[-:]/g, '')
}
