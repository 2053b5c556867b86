// The signed-in user's own settings (`user:<id>:prefs`): calendar colours and
// hidden calendars, and reminders that replace an event's defaults for this
// user only. A shared calendar or event never carries them.
import {
  type CalendarPrefs,
  type NotificationPrefs,
  readCalendarPrefs,
  readNotificationPrefs,
  readOwnReminders,
  setCalendarPrefs,
  setNotificationPrefs,
  setOwnReminders,
} from '@plansync/schema'
import type { DocHandle } from './doc-handle.ts'
import { LiveHandle } from './live-handle.ts'

export class PrefsHandle extends LiveHandle {
  constructor(userId: string, handle: DocHandle) {
    super('prefs', userId, handle, (doc) => [
      doc.getMap('calendars'),
      doc.getMap('reminders'),
      doc.getMap('notify'),
    ])
  }

  /** Colour and visibility per calendar id (calendars never set are absent). */
  calendars(): Record<string, CalendarPrefs> {
    return readCalendarPrefs(this.doc, this.report)
  }

  /** Sets this user's colour (`#rrggbb`, or null for the calendar's) or hides a calendar. */
  setCalendar(calendarId: string, prefs: Partial<CalendarPrefs>): void {
    this.assertWritable()
    setCalendarPrefs(this.doc, calendarId, prefs)
  }

  /** This user's reminders (minutes before start) for an event or one occurrence; undefined: the event's defaults. */
  reminders(eventId: string, recurrenceId?: string): number[] | undefined {
    return readOwnReminders(this.doc, eventId, recurrenceId, this.report)
  }

  /** Replaces the event's default reminders for this user (`[]` mutes); null goes back to the defaults. */
  setReminders(eventId: string, minutes: number[] | null, recurrenceId?: string): void {
    this.assertWritable()
    setOwnReminders(this.doc, eventId, minutes, recurrenceId)
  }

  /** Where this user gets notifications: in-app (on by default), email (off until turned on). */
  notifications(): NotificationPrefs {
    return readNotificationPrefs(this.doc, this.report)
  }

  setNotifications(prefs: Partial<NotificationPrefs>): void {
    this.assertWritable()
    setNotificationPrefs(this.doc, prefs)
  }
}
