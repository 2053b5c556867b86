// Turns the changes found in a doc into notifications, one per recipient and
// channel, as rows for the schedule (due now). Pure.
//
// Keys: (subject, `<source>@<version>`, kind, recipient, channel), where the
// version is the one the change is recorded as in the digest store. Each
// recorded change has its own version, so the same event moved twice is two
// notifications, and a change two replicas found is one.
//
// Bounded: when one batch holds more than `summaryAbove` changes for one
// recipient (an import, a subscription refresh), they get one summary
// instead.
//
// Authors: nobody is told of their own change. A change whose `author` a
// stamp names (see calendar-changes.ts) goes to everyone else; a task
// someone assigned to themselves is not announced. Without a stamp (older
// clients, old docs, the notifier's own imports) everyone is told.
import type { EventSummary, InboxKind, Task } from '@plansync/schema'
import type { JsonValue, Notification } from '../channels/types.ts'
import type { ReminderInput } from '../schedule/types.ts'
import { describeStart, oneLine, plainText } from '../service/text.ts'
import type { CalendarChange } from './calendar-changes.ts'
import type { EventDocChange } from './event-changes.ts'

export interface ChangeRecipient {
  readonly userId: string
  readonly displayName: string
  readonly email: string | null
  /** Where this user wants notifications (`in-app`, `email`, `webhook`). */
  readonly channels: readonly string[]
}

export interface ChangeBatch {
  /** The doc that changed, e.g. `calendar:family`. */
  readonly source: string
  /** The digest version this batch is recorded as. */
  readonly version: number
  readonly calendar: { readonly id: string; readonly name: string }
  readonly now: number
  /** Where the app runs, for links, e.g. `https://plans.example`. */
  readonly appUrl?: string
  /** Above this many changes for one recipient, one summary instead. */
  readonly summaryAbove: number
}

type Message = Pick<Notification, 'title' | 'body' | 'url' | 'data'>

/** Longest title and body put in a notification (channels allow 300 and 32 KiB). */
const TITLE_CHARS = 200
const BODY_CHARS = 4000
const EVENT_TITLE_CHARS = 120
/** Tasks named in a summary; the rest are counted. */
const LISTED = 10

export function calendarNotifications(
  batch: ChangeBatch & {
    /** The calendar's events now, by id (times and titles for the text). */
    readonly events: ReadonlyMap<string, EventSummary>
    readonly changes: readonly CalendarChange[]
    readonly recipients: readonly ChangeRecipient[]
  },
): ReminderInput[] {
  const { changes, recipients } = batch
  const newsFor = (to: ChangeRecipient) => changes.filter((change) => change.author !== to.userId)
  // Above the threshold for someone: one summary of what they did not do themselves.
  const summarised = new Set(recipients.filter((to) => newsFor(to).length > batch.summaryAbove))
  const rows = changes.flatMap((change) => {
    const told = recipients.filter((to) => !summarised.has(to) && to.userId !== change.author)
    if (told.length === 0) return []
    const message = describeCalendarChange(batch, change, batch.events.get(change.eventId))
    return told.flatMap((to) =>
      rowsFor(batch, to, change.eventId, change.kind, change.kind, message),
    )
  })
  for (const to of summarised) {
    const message = calendarSummary(batch, newsFor(to))
    rows.push(...rowsFor(batch, to, batch.calendar.id, 'events-changed', 'events-changed', message))
  }
  return rows
}

export function eventDocNotifications(
  batch: ChangeBatch & {
    readonly eventId: string
    /** The event in its calendar doc, when it is there. */
    readonly event: EventSummary | undefined
    readonly tasks: ReadonlyMap<string, Task>
    readonly changes: readonly EventDocChange[]
    /** The calendar's members by user id: changes for anyone else are dropped. */
    readonly recipients: ReadonlyMap<string, ChangeRecipient>
  },
): ReminderInput[] {
  const rows: ReminderInput[] = []
  const byUser = new Map<string, EventDocChange[]>()
  for (const change of batch.changes) {
    byUser.set(change.userId, [...(byUser.get(change.userId) ?? []), change])
  }
  for (const [userId, changes] of byUser) {
    const to = batch.recipients.get(userId)
    if (!to) continue
    // A task someone assigned to themselves is no news to them.
    const assigned = changes.filter(
      (change): change is Extract<EventDocChange, { kind: 'task-assigned' }> =>
        change.kind === 'task-assigned' && change.author !== userId,
    )
    const seats = changes.filter((change) => change.kind !== 'task-assigned')
    if (assigned.length > batch.summaryAbove) {
      const message = tasksSummary(batch, assigned)
      rows.push(...rowsFor(batch, to, batch.eventId, 'tasks-assigned', 'tasks-assigned', message))
    } else {
      for (const change of assigned) {
        const message = describeAssignment(batch, batch.tasks.get(change.taskId))
        const id = `task-assigned.${change.taskId}`
        rows.push(...rowsFor(batch, to, batch.eventId, id, 'task-assigned', message))
      }
    }
    for (const change of seats) {
      const message = describeSeat(batch, change.kind)
      rows.push(...rowsFor(batch, to, batch.eventId, change.kind, change.kind, message))
    }
  }
  return rows
}

function rowsFor(
  batch: ChangeBatch,
  to: ChangeRecipient,
  subject: string,
  reminderId: string,
  kind: InboxKind,
  message: Message,
): ReminderInput[] {
  const occurrence = `${batch.source}@${batch.version}`
  return to.channels.map((channel) => {
    const notification: Notification = {
      kind,
      recipient: {
        userId: to.userId,
        name: to.displayName,
        ...(to.email ? { email: to.email } : {}),
      },
      title: oneLine(message.title, TITLE_CHARS),
      body: plainText(message.body, BODY_CHARS),
      ...(message.url ? { url: message.url } : {}),
      createdAt: batch.now,
      ...(message.data ? { data: message.data } : {}),
    }
    return {
      eventId: subject,
      occurrence,
      reminderId,
      recipient: to.userId,
      channel,
      dueAt: batch.now,
      payload: notification as unknown as JsonValue,
    }
  })
}

const eventTitle = (title: string | undefined) =>
  oneLine(title ?? '', EVENT_TITLE_CHARS) || 'Untitled event'
const calendarName = (batch: ChangeBatch) => oneLine(batch.calendar.name, EVENT_TITLE_CHARS)
const link = (batch: ChangeBatch, path: string) =>
  batch.appUrl ? `${batch.appUrl}${path}` : undefined
const eventLink = (batch: ChangeBatch, eventId: string) =>
  link(batch, `/events/${encodeURIComponent(eventId)}`)
/** The planner (the app has no page per calendar; `data.calendarId` names it). */
const calendarLink = (batch: ChangeBatch) => link(batch, '/')

function describeCalendarChange(
  batch: ChangeBatch,
  change: CalendarChange,
  event: EventSummary | undefined,
): Message {
  const cal = calendarName(batch)
  const data: Record<string, JsonValue> = { calendarId: batch.calendar.id, eventId: change.eventId }
  if (event) {
    data.start = event.start
    data.timeZone = event.timeZone
  }
  if (change.kind === 'event-cancelled') {
    const title = eventTitle(event?.title ?? change.title)
    if (change.reason === 'deleted') {
      return {
        title: `Deleted: ${title}`,
        body: `${title} was deleted from ${cal}.`,
        url: calendarLink(batch),
        data: { ...data, reason: 'deleted' },
      }
    }
    return {
      title: `Cancelled: ${title}`,
      body: `${title} (${cal})${event ? `, ${describeStart(event)},` : ''} was cancelled.`,
      url: eventLink(batch, change.eventId),
      data: { ...data, reason: 'cancelled' },
    }
  }
  const title = eventTitle(event?.title)
  const when = event ? describeStart(event) : ''
  const where = event?.location ? `\nWhere: ${oneLine(event.location, 500)}` : ''
  if (change.kind === 'event-created') {
    return {
      title: `New in ${cal}: ${title}`,
      body: `${title} (${cal}): ${when}.${where}`,
      url: eventLink(batch, change.eventId),
      data,
    }
  }
  return {
    title: `${change.scope === 'event' ? 'Moved' : 'Dates changed'}: ${title}`,
    body:
      change.scope === 'event'
        ? `${title} (${cal}) is now ${when}.${where}`
        : `Some dates of ${title} (${cal}) were moved or cancelled. It starts ${when}.`,
    url: eventLink(batch, change.eventId),
    data: { ...data, scope: change.scope },
  }
}

function calendarSummary(batch: ChangeBatch, changes: readonly CalendarChange[]): Message {
  const count = (kind: CalendarChange['kind']) => changes.filter((c) => c.kind === kind).length
  const counts = {
    created: count('event-created'),
    moved: count('event-moved'),
    cancelled: count('event-cancelled'),
  }
  const parts = [
    counts.created ? `${counts.created} new` : '',
    counts.moved ? `${counts.moved} moved` : '',
    counts.cancelled ? `${counts.cancelled} cancelled or deleted` : '',
  ].filter(Boolean)
  const cal = calendarName(batch)
  return {
    title: `${cal}: ${changes.length} events changed`,
    body: `${changes.length} events in ${cal} changed at once: ${parts.join(', ')}.`,
    url: calendarLink(batch),
    data: { calendarId: batch.calendar.id, ...counts },
  }
}

type EventBatch = ChangeBatch & {
  readonly eventId: string
  readonly event: EventSummary | undefined
}

function inEvent(batch: EventBatch): string {
  return `${eventTitle(batch.event?.title)} (${calendarName(batch)})`
}

function describeAssignment(batch: EventBatch, task: Task | undefined): Message {
  const title = oneLine(task?.title ?? '', EVENT_TITLE_CHARS) || 'Untitled task'
  return {
    title: `Task for you: ${title}`,
    body: `You were assigned "${title}" in ${inEvent(batch)}.${task?.due ? ` Due ${task.due}.` : ''}`,
    url: eventLink(batch, batch.eventId),
    data: {
      calendarId: batch.calendar.id,
      eventId: batch.eventId,
      taskId: task?.id ?? null,
      due: task?.due ?? null,
    },
  }
}

function tasksSummary(
  batch: EventBatch & { readonly tasks: ReadonlyMap<string, Task> },
  assigned: readonly EventDocChange[],
): Message {
  const titles = assigned
    .map((change) => (change.kind === 'task-assigned' ? batch.tasks.get(change.taskId) : undefined))
    .map((task) => `- ${oneLine(task?.title ?? '', EVENT_TITLE_CHARS) || 'Untitled task'}`)
  const more = titles.length > LISTED ? `\n…and ${titles.length - LISTED} more.` : ''
  return {
    title: `${assigned.length} tasks for you in ${eventTitle(batch.event?.title)}`,
    body: `You were assigned ${assigned.length} tasks in ${inEvent(batch)}:\n${titles.slice(0, LISTED).join('\n')}${more}`,
    url: eventLink(batch, batch.eventId),
    data: { calendarId: batch.calendar.id, eventId: batch.eventId, count: assigned.length },
  }
}

function describeSeat(batch: EventBatch, kind: 'seat-confirmed' | 'seat-promoted'): Message {
  const title = eventTitle(batch.event?.title)
  const when = batch.event ? `, ${describeStart(batch.event)}` : ''
  return kind === 'seat-promoted'
    ? {
        title: `Off the waitlist: ${title}`,
        body: `A seat opened up at ${inEvent(batch)}${when}: yours is confirmed.`,
        url: eventLink(batch, batch.eventId),
        data: { calendarId: batch.calendar.id, eventId: batch.eventId },
      }
    : {
        title: `Seat confirmed: ${title}`,
        body: `Your seat at ${inEvent(batch)}${when} is confirmed.`,
        url: eventLink(batch, batch.eventId),
        data: { calendarId: batch.calendar.id, eventId: batch.eventId },
      }
}
