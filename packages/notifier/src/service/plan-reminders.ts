// Turns a calendar doc's current snapshot into the reminders that should
// fire in a time window, per member and channel. Pure: the planner feeds it
// docs, the schedule stores the result.
//
// Which reminders: an event's defaults (or an occurrence's override of
// them), unless the member set their own in their prefs doc (for the event
// or one occurrence), which replace the defaults for that member only; an
// empty list mutes. Cancelled events and occurrences remind nobody.
//
// Identity: (event, occurrence, minutes before, member, channel). The
// occurrence is its recurrence id (the original start), so moving a one-off
// event or one occurrence keeps the key and only moves the due time; moving
// a whole series or changing its rule makes new recurrence ids (as in RFC
// 5545), so the old reminders are cancelled and new ones planned.

import {
  type EventSummary,
  expandEvent,
  type IssueReporter,
  ignoreIssues,
  type Occurrence,
  readEvents,
  readOwnReminders,
} from '@plansync/schema'
import type * as Y from 'yjs'
import type { Notification } from '../channels/types.ts'
import type { ReminderInput } from '../schedule/types.ts'
import { oneLine, plainText } from './text.ts'

export interface PlanMember {
  userId: string
  displayName: string
  email: string | null
  /** The member's prefs doc (own reminders), if they have one. */
  prefs?: Y.Doc
  /** Channels this member gets reminders on (`in-app`, `email`, ...). */
  channels: readonly string[]
}

export interface PlanInput {
  calendarName: string
  calendar: Y.Doc
  members: readonly PlanMember[]
  /** Reminders due in [from, to) are planned. */
  from: number
  to: number
  /** Where the app shows the event (for links), e.g. `https://plans.example`. */
  appUrl?: string
  /** Told about values that were skipped (malformed events, rules that cannot be expanded). */
  report?: IssueReporter
}

const MINUTE = 60_000
/** The longest reminder the schema allows (366 days), so far-off occurrences are expanded too. */
const MAX_LEAD_MS = 60 * 24 * 366 * MINUTE
/** For one-off events, which have no recurrence id. */
const SINGLE = 'single'

export function planReminders(input: PlanInput): ReminderInput[] {
  const report = input.report ?? ignoreIssues
  const events = readEvents(input.calendar, report)
  const byId = new Map(events.map((event) => [event.id, event]))
  const occurrences = events.flatMap((event) =>
    occurrencesOf(event, input.from, input.to + MAX_LEAD_MS, report),
  )
  occurrences.sort((a, b) => a.startMs - b.startMs || a.eventId.localeCompare(b.eventId))
  const planned: ReminderInput[] = []
  for (const occurrence of occurrences) {
    if (occurrence.status === 'cancelled') continue
    const event = byId.get(occurrence.eventId)
    if (!event) continue
    const recurrenceId = occurrence.recurrenceId ?? undefined
    const defaults = (recurrenceId && event.overrides[recurrenceId]?.reminders) || event.reminders
    for (const member of input.members) {
      const own = member.prefs && readOwnReminders(member.prefs, event.id, recurrenceId)
      for (const minutes of new Set(own ?? defaults)) {
        const dueAt = occurrence.startMs - minutes * MINUTE
        if (dueAt < input.from || dueAt >= input.to) continue
        for (const channel of member.channels) {
          planned.push({
            eventId: event.id,
            occurrence: occurrence.recurrenceId ?? SINGLE,
            reminderId: String(minutes),
            recipient: member.userId,
            channel,
            dueAt,
            payload: notificationFor(
              input,
              occurrence,
              member,
              minutes,
            ) as unknown as ReminderInput['payload'],
          })
        }
      }
    }
  }
  return planned.sort((a, b) => a.dueAt - b.dueAt)
}

/**
 * One event's occurrences. All-day events start at midnight in the event's
 * own zone (a birthday reminder at 09:00 the day before is 09:00 there, not
 * in UTC). A rule the expander gives up on (e.g. minutely for a year) skips
 * that event only, so one bad value never stops a calendar's other reminders.
 */
function occurrencesOf(
  event: EventSummary,
  from: number,
  to: number,
  report: IssueReporter,
): Occurrence[] {
  try {
    return expandEvent(event, from, to, { viewZone: event.timeZone })
  } catch (error) {
    report({ path: `events.${event.id}.rrule`, reason: `cannot expand: ${String(error)}` })
    return []
  }
}

function notificationFor(
  input: PlanInput,
  occurrence: Occurrence,
  member: PlanMember,
  minutes: number,
): Notification {
  const when = formatStart(occurrence)
  // Doc values may hold line breaks and control characters; channels refuse them in titles.
  const title = oneLine(occurrence.title, 200) || 'Untitled event'
  return {
    kind: 'reminder',
    recipient: {
      userId: member.userId,
      name: member.displayName,
      ...(member.email ? { email: member.email } : {}),
    },
    title: `${title}: ${when}`,
    body: plainText(
      [
        `${title} (${oneLine(input.calendarName, 200)}) starts ${describeLead(minutes)}: ${when}.`,
        occurrence.location ? `Where: ${oneLine(occurrence.location, 500)}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
      4000,
    ),
    ...(input.appUrl
      ? { url: `${input.appUrl}/events/${encodeURIComponent(occurrence.eventId)}` }
      : {}),
    createdAt: occurrence.startMs - minutes * MINUTE,
    data: {
      eventId: occurrence.eventId,
      recurrenceId: occurrence.recurrenceId,
      start: occurrence.start,
      timeZone: occurrence.timeZone,
      startsAt: new Date(occurrence.startMs).toISOString(),
      minutesBefore: minutes,
    },
  }
}

/** The start in the event's own zone, e.g. `Sat 28 Mar 2026, 11:00 (Europe/Berlin)`. */
function formatStart(occurrence: Occurrence): string {
  if (occurrence.allDay) return `${occurrence.start} (all day)`
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone: occurrence.timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(occurrence.startMs))
  return `${text} (${occurrence.timeZone})`
}

function describeLead(minutes: number): string {
  if (minutes === 0) return 'now'
  if (minutes % 1440 === 0) return `in ${minutes / 1440} day${minutes === 1440 ? '' : 's'}`
  if (minutes % 60 === 0) return `in ${minutes / 60} hour${minutes === 60 ? '' : 's'}`
  return `in ${minutes} minute${minutes === 1 ? '' : 's'}`
}
