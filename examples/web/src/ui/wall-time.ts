// Conversions between instants (what the calendar grid shows, in the
// viewer's zone) and wall times in an event's own zone (what docs store).
import { Temporal } from 'temporal-polyfill'

/** The viewer's IANA time zone. */
export const userTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone

/** `YYYY-MM-DDTHH:mm` in `zone` for an instant. */
export function toWallTime(ms: number, zone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(ms)
    .toZonedDateTimeISO(zone)
    .toPlainDateTime()
    .toString({ smallestUnit: 'minute' })
}

/** The instant of a wall time in `zone` (the earlier one in an autumn overlap). */
export function fromWallTime(wall: string, zone: string): number {
  return Temporal.PlainDateTime.from(wall).toZonedDateTime(zone).epochMilliseconds
}

/** A date (`YYYY-MM-DD`) plus days. */
export function addDays(date: string, days: number): string {
  return Temporal.PlainDate.from(date).add({ days }).toString()
}

/** Every IANA zone the browser knows, for pickers. */
export function timeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] }
  return intl.supportedValuesOf?.('timeZone') ?? [userTimeZone(), 'UTC']
}
