// Writes an edit of one event or one occurrence the way calendar apps do:
// a one-off event changes in place; an occurrence of a series changes for
// "this", "this and following" or "all" of them. For "all", a new time for
// the occurrence moves the whole series by the same amount.
import type { CalendarHandle, EventFields, OccurrenceScope } from '@plansync/client-sdk'
import { minutesBetween, shiftWall } from './wall-time.ts'

/** Which occurrence was edited: its event, its recurrence id (null for a one-off) and its times as shown. */
export interface OccurrenceTarget {
  calendarId: string
  eventId: string
  recurrenceId: string | null
  start: string
  end: string
}

export function editOccurrence(
  calendar: CalendarHandle,
  target: OccurrenceTarget,
  patch: Partial<EventFields>,
  scope: OccurrenceScope,
): void {
  if (target.recurrenceId === null) {
    calendar.updateEvent(target.eventId, patch)
    return
  }
  const occurrence = { recurrenceId: target.recurrenceId, scope }
  if (scope !== 'all' || (patch.start === undefined && patch.end === undefined)) {
    calendar.updateEvent(target.eventId, patch, occurrence)
    return
  }
  const series = calendar.events().find((event) => event.id === target.eventId)
  if (!series) return
  const newStart = patch.start ?? target.start
  const newEnd = patch.end ?? target.end
  const start = shiftWall(series.start, minutesBetween(target.start, newStart))
  const end = shiftWall(start, minutesBetween(newStart, newEnd))
  calendar.updateEvent(target.eventId, { ...patch, start, end })
}

export function deleteOccurrence(
  calendar: CalendarHandle,
  target: OccurrenceTarget,
  scope: OccurrenceScope,
): void {
  if (target.recurrenceId === null) calendar.deleteEvent(target.eventId)
  else calendar.deleteEvent(target.eventId, { recurrenceId: target.recurrenceId, scope })
}
