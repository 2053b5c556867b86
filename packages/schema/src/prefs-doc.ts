// The per-user prefs doc (`user:<id>:prefs`): settings that belong to one
// person and never travel inside shared docs.
//
//   calendars  Y.Map  calendar id → Y.Map { colour, hidden }
//   reminders  Y.Map  `<event id>` or `<event id>/<recurrence id>` → Y.Array of
//                     minutes before start (the user's own, replacing the
//                     event's defaults for them; an empty list mutes)
//   notify     Y.Map  channel → boolean: where the user wants notifications
//                     (quiet defaults: in-app on, email and webhook off until turned on)
import * as Y from 'yjs'
import { type IssueReporter, ignoreIssues, SchemaError } from './issues.ts'
import { describe, readFields } from './read-fields.ts'
import { integer, isBoolean, isColour, isId, LIMITS } from './values.ts'

export interface CalendarPrefs {
  colour: string | null
  hidden: boolean
}

const isMinutes = integer(0, 60 * 24 * 366)

const prefsParts = (doc: Y.Doc) => ({
  calendars: doc.getMap('calendars') as Y.Map<unknown>,
  reminders: doc.getMap('reminders') as Y.Map<unknown>,
  notify: doc.getMap('notify') as Y.Map<unknown>,
})

/** Where a user wants notifications. */
export interface NotificationPrefs {
  inApp: boolean
  email: boolean
  /** To the user's webhook (set through the auth API). */
  webhook: boolean
}

const NOTIFY_DEFAULTS: NotificationPrefs = { inApp: true, email: false, webhook: false }

export function readNotificationPrefs(
  doc: Y.Doc,
  report: IssueReporter = ignoreIssues,
): NotificationPrefs {
  const f = readFields(
    prefsParts(doc).notify,
    { inApp: isBoolean, email: isBoolean, webhook: isBoolean },
    'notify',
    report,
  )
  return {
    inApp: f.inApp ?? NOTIFY_DEFAULTS.inApp,
    email: f.email ?? NOTIFY_DEFAULTS.email,
    webhook: f.webhook ?? NOTIFY_DEFAULTS.webhook,
  }
}

export function setNotificationPrefs(doc: Y.Doc, prefs: Partial<NotificationPrefs>): void {
  for (const [key, value] of Object.entries(prefs)) {
    if (!(key in NOTIFY_DEFAULTS))
      throw new SchemaError('notify', `unknown channel ${describe(key)}`)
    if (typeof value !== 'boolean') throw new SchemaError(`notify.${key}`, 'true or false')
  }
  doc.transact(() => {
    for (const [key, value] of Object.entries(prefs)) prefsParts(doc).notify.set(key, value)
  })
}

export function readCalendarPrefs(
  doc: Y.Doc,
  report: IssueReporter = ignoreIssues,
): Record<string, CalendarPrefs> {
  const out: Record<string, CalendarPrefs> = {}
  for (const [id, entry] of prefsParts(doc).calendars) {
    if (isId(id) === undefined || !(entry instanceof Y.Map)) {
      report({ path: `calendars.${id}`, reason: `not calendar prefs: ${describe(entry)}` })
      continue
    }
    const f = readFields(entry, { colour: isColour, hidden: isBoolean }, `calendars.${id}`, report)
    out[id] = { colour: f.colour ?? null, hidden: f.hidden ?? false }
  }
  return out
}

export function setCalendarPrefs(
  doc: Y.Doc,
  calendarId: string,
  prefs: Partial<CalendarPrefs>,
): void {
  if (isId(calendarId) === undefined)
    throw new SchemaError('calendars', `invalid calendar id ${describe(calendarId)}`)
  if (prefs.colour != null && isColour(prefs.colour) === undefined)
    throw new SchemaError(`calendars.${calendarId}.colour`, 'use #rrggbb')
  doc.transact(() => {
    const { calendars } = prefsParts(doc)
    let entry = calendars.get(calendarId)
    if (!(entry instanceof Y.Map)) {
      entry = new Y.Map<unknown>()
      calendars.set(calendarId, entry)
    }
    const map = entry as Y.Map<unknown>
    if (prefs.colour !== undefined) map.set('colour', prefs.colour)
    if (prefs.hidden !== undefined) map.set('hidden', prefs.hidden)
  })
}

/** The user's own reminders for an event (or one occurrence); undefined = the event's defaults. */
export function readOwnReminders(
  doc: Y.Doc,
  eventId: string,
  recurrenceId?: string,
  report: IssueReporter = ignoreIssues,
): number[] | undefined {
  const { reminders } = prefsParts(doc)
  for (const key of recurrenceId ? [`${eventId}/${recurrenceId}`, eventId] : [eventId]) {
    const raw = reminders.get(key)
    if (raw === undefined) continue
    if (!(raw instanceof Y.Array)) {
      report({ path: `reminders.${key}`, reason: `not a list: ${describe(raw)}` })
      continue
    }
    return raw
      .toArray()
      .filter((minutes): minutes is number => isMinutes(minutes) !== undefined)
      .slice(0, LIMITS.reminders)
  }
  return undefined
}

/** Sets (or with null clears back to the event's defaults) the user's own reminders. */
export function setOwnReminders(
  doc: Y.Doc,
  eventId: string,
  minutes: number[] | null,
  recurrenceId?: string,
): void {
  if (isId(eventId) === undefined)
    throw new SchemaError('reminders', `invalid event id ${describe(eventId)}`)
  if (
    minutes &&
    (minutes.length > LIMITS.reminders || minutes.some((m) => isMinutes(m) === undefined))
  ) {
    throw new SchemaError(`reminders.${eventId}`, 'minutes before start, 0 to 527040, at most 20')
  }
  const key = recurrenceId ? `${eventId}/${recurrenceId}` : eventId
  const { reminders } = prefsParts(doc)
  if (minutes === null) reminders.delete(key)
  else reminders.set(key, Y.Array.from(minutes))
}
