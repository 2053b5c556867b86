// The event form's state and how it maps to the SDK's event fields: dates
// and times as the inputs want them (all-day ends shown inclusive, stored
// exclusive), recurrence presets, reminders as minutes before.
import type { EventFields, Occurrence } from '@plansync/client-sdk'
import { addDays } from '../ui/wall-time.ts'

export interface Draft {
  calendarId: string
  title: string
  allDay: boolean
  /** `YYYY-MM-DDTHH:mm` (timed) or `YYYY-MM-DD` (all-day). */
  start: string
  /** Timed: exclusive end; all-day: the last day, inclusive, as people say it. */
  end: string
  timeZone: string
  rrule: string
  location: string
  description: string
  /** The event's reminder for everyone, minutes before; '' for none. */
  reminder: string
}

export const REPEAT_PRESETS: { value: string; label: string }[] = [
  { value: '', label: 'Does not repeat' },
  { value: 'FREQ=DAILY', label: 'Every day' },
  { value: 'FREQ=WEEKLY', label: 'Every week' },
  { value: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', label: 'Every weekday (Monday to Friday)' },
  { value: 'FREQ=MONTHLY', label: 'Every month' },
  { value: 'FREQ=YEARLY', label: 'Every year' },
]

export const REMINDER_PRESETS: { value: string; label: string }[] = [
  { value: '', label: 'No reminder' },
  { value: '0', label: 'At the start' },
  { value: '1', label: '1 minute before' },
  { value: '5', label: '5 minutes before' },
  { value: '10', label: '10 minutes before' },
  { value: '15', label: '15 minutes before' },
  { value: '30', label: '30 minutes before' },
  { value: '60', label: '1 hour before' },
  { value: '120', label: '2 hours before' },
  { value: '1440', label: '1 day before' },
  { value: '10080', label: '1 week before' },
]

export function reminderLabel(minutes: number): string {
  return (
    REMINDER_PRESETS.find((preset) => preset.value === String(minutes))?.label ??
    `${minutes} minutes before`
  )
}

export function draftFromOccurrence(
  calendarId: string,
  occurrence: Occurrence,
  series: { rrule: string | null; reminders: number[] },
): Draft {
  return {
    calendarId,
    title: occurrence.title,
    allDay: occurrence.allDay,
    start: occurrence.start,
    end: occurrence.allDay ? addDays(occurrence.end, -1) : occurrence.end,
    timeZone: occurrence.timeZone,
    rrule: series.rrule ?? '',
    location: occurrence.location,
    description: occurrence.description,
    reminder: series.reminders[0] === undefined ? '' : String(series.reminders[0]),
  }
}

/** The stored fields a draft describes. */
export function fieldsOf(draft: Draft): EventFields {
  return {
    title: draft.title.trim(),
    allDay: draft.allDay,
    start: draft.start,
    end: draft.allDay ? addDays(draft.end, 1) : draft.end,
    timeZone: draft.timeZone,
    rrule: draft.rrule === '' ? null : draft.rrule,
    location: draft.location.trim(),
    description: draft.description.trim(),
    status: 'confirmed',
    reminders: draft.reminder === '' ? [] : [Number(draft.reminder)],
  }
}

/** Only what the user changed, so concurrent edits of other fields survive the merge. */
export function changedFields(before: Draft, after: Draft): Partial<EventFields> {
  const a = fieldsOf(before)
  const b = fieldsOf(after)
  const patch: Partial<EventFields> = {}
  for (const key of Object.keys(b) as (keyof EventFields)[]) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
      Object.assign(patch, { [key]: b[key] })
    }
  }
  return patch
}

/** What is wrong with a draft, in words, or null. */
export function checkDraft(draft: Draft): string | null {
  if (draft.title.trim() === '') return 'Give the event a title.'
  if (!draft.start || !draft.end) return 'Choose when the event starts and ends.'
  if (draft.allDay ? draft.end < draft.start : draft.end <= draft.start) {
    return 'The event must end after it starts.'
  }
  return null
}
