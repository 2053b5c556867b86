// Writes an edit of one event or one occurrence the way calendar apps do:
// a one-off event changes in place; an occurrence of a series changes for
// "this", "this and following" or "all" of them (for "all", a new time for
// the occurrence moves the whole series with its exceptions: the SDK does it).
import type { CalendarHandle, EventFields, OccurrenceScope } from '@plansync/client-sdk'

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
  if (target.recurrenceId === null) calendar.updateEvent(target.eventId, patch)
  else calendar.updateEvent(target.eventId, patch, { recurrenceId: target.recurrenceId, scope })
}

export function deleteOccurrence(
  calendar: CalendarHandle,
  target: OccurrenceTarget,
  scope: OccurrenceScope,
): void {
  if (target.recurrenceId === null) calendar.deleteEvent(target.eventId)
  else calendar.deleteEvent(target.eventId, { recurrenceId: target.recurrenceId, scope })
}
