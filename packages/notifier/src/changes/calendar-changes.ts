// What changed in a calendar doc between the last snapshot the notifier
// recorded and the current one. Pure: a digest is made from a doc, two
// digests are compared, the result is a list of changes and the digest to
// record next.
//
// Per event the digest keeps its title (to name it once it is deleted), a
// hash of when it happens as a whole (all-day flag, start, end, zone, rule),
// a hash of its exceptions (excluded dates; moved or cancelled occurrences)
// and whether it is cancelled. Titles, places and notes are not changes
// worth a notification.
//
// Malformed values: an event that is in the doc but cannot be read is null
// in the digest and keeps the entry it had before, so a bad write and its
// fix never look like a deletion and a new event.
//
// Authors: the digest also keeps an event's author stamp (`updatedBy`) and
// which write it was. A change's author is the stamped user only when the
// stamp was written since the last digest, i.e. with this change; a stamp
// left over from an earlier change (a writer without stamps changed the
// event since) names nobody. A deleted event's author comes from the
// calendar's `deletedBy` record. Stamps are hints (see @plansync/schema
// authorship): they decide who is left out of a notification, nothing else.
import {
  type EventSummary,
  eventsOf,
  type IssueReporter,
  ignoreIssues,
  readDeletedBy,
  readEvent,
  readEventAuthor,
  type Stamp,
} from '@plansync/schema'
import type * as Y from 'yjs'
import { digestHash, own, sortedRecord } from './digest-values.ts'

export interface EventDigest {
  readonly title: string
  readonly when: string
  readonly exceptions: string
  readonly cancelled: boolean
  /** The stamped author (`updatedBy`), when the event has a readable stamp. */
  readonly by?: string
  /** Which write that stamp was: a new one means the stamp came with this change. */
  readonly stamp?: string
}

export interface CalendarDigest {
  readonly v: 1
  /** Event id → digest; null: in the doc but unreadable (and never read before). */
  readonly events: Readonly<Record<string, EventDigest | null>>
  /** Who deleted which event (the doc's `deletedBy`); only in a digest made from a doc, never recorded. */
  readonly deletedBy?: Readonly<Record<string, string>>
}

export type CalendarChange = (
  | { readonly kind: 'event-created'; readonly eventId: string }
  | {
      readonly kind: 'event-moved'
      readonly eventId: string
      /** The whole event or series, or only some of its occurrences. */
      readonly scope: 'event' | 'occurrences'
    }
  | {
      readonly kind: 'event-cancelled'
      readonly eventId: string
      readonly title: string
      readonly reason: 'cancelled' | 'deleted'
    }
) & {
  /** The user who made the change, when a stamp says so: they are not told. */
  readonly author?: string
}

export const EMPTY_CALENDAR_DIGEST: CalendarDigest = { v: 1, events: {} }

/** Titles kept to name deleted events; longer ones are cut. */
const TITLE_CHARS = 200

export function digestEvent(event: EventSummary, stamp?: Stamp | null): EventDigest {
  const exceptions = Object.entries(event.overrides)
    .map(([id, fields]) => [id, fields.start ?? null, fields.end ?? null, fields.status ?? null])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])))
  return {
    title: event.title.slice(0, TITLE_CHARS),
    when: digestHash([event.allDay, event.start, event.end, event.timeZone, event.rrule]),
    exceptions: digestHash([[...event.exdates].sort(), exceptions]),
    cancelled: event.status === 'cancelled',
    ...(stamp ? { by: stamp.userId, stamp: stamp.write } : {}),
  }
}

export function digestCalendar(doc: Y.Doc, report: IssueReporter = ignoreIssues): CalendarDigest {
  const entries: Array<[string, EventDigest | null]> = []
  for (const [id, map] of eventsOf(doc)) {
    const event = readEvent(id, map, report)
    const stamp = event && readEventAuthor(map, `events.${id}`, report)
    entries.push([id, event ? digestEvent(event, stamp) : null])
  }
  const deletedBy = sortedRecord(readDeletedBy(doc, report))
  return { v: 1, events: sortedRecord(entries), deletedBy }
}

/** A recorded digest, or undefined when it is not one (then the doc counts as never seen). */
export function parseCalendarDigest(value: unknown): CalendarDigest | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { v, events } = value as { v?: unknown; events?: unknown }
  if (v !== 1 || typeof events !== 'object' || events === null) return undefined
  for (const entry of Object.values(events)) {
    if (entry === null) continue
    const e = entry as Partial<EventDigest>
    if (
      typeof e.title !== 'string' ||
      typeof e.when !== 'string' ||
      typeof e.exceptions !== 'string' ||
      typeof e.cancelled !== 'boolean' ||
      (e.by !== undefined && typeof e.by !== 'string') ||
      (e.stamp !== undefined && typeof e.stamp !== 'string')
    ) {
      return undefined
    }
  }
  return value as CalendarDigest
}

/**
 * The changes from `previous` to `current`, in event id order, and the
 * digest to record. New events are `event-created` (unless created
 * cancelled); a cancelled or removed one `event-cancelled`; a different time
 * or rule `event-moved`. An event cancelled before and back on now is not
 * announced. A change carries its `author` when a stamp written since
 * `previous` (or the deletion record) names one.
 */
export function diffCalendar(
  previous: CalendarDigest,
  current: CalendarDigest,
): { changes: CalendarChange[]; digest: CalendarDigest } {
  const changes: CalendarChange[] = []
  const next: Array<[string, EventDigest | null]> = []
  const ids = [...new Set([...Object.keys(previous.events), ...Object.keys(current.events)])].sort()
  for (const eventId of ids) {
    const before = own(previous.events, eventId) ?? null
    if (!Object.hasOwn(current.events, eventId)) {
      if (before && !before.cancelled) {
        const author = current.deletedBy && own(current.deletedBy, eventId)
        changes.push({
          kind: 'event-cancelled',
          eventId,
          title: before.title,
          reason: 'deleted',
          ...(author ? { author } : {}),
        })
      }
      continue
    }
    const now = own(current.events, eventId) ?? null
    if (now === null) {
      next.push([eventId, before])
      continue
    }
    next.push([eventId, now])
    // The stamp is this change's only if it was written since the last digest.
    const by = now.by !== undefined && now.stamp !== before?.stamp ? { author: now.by } : {}
    if (now.cancelled) {
      if (before && !before.cancelled) {
        changes.push({
          kind: 'event-cancelled',
          eventId,
          title: now.title,
          reason: 'cancelled',
          ...by,
        })
      }
    } else if (!before) {
      changes.push({ kind: 'event-created', eventId, ...by })
    } else if (!before.cancelled) {
      if (before.when !== now.when) {
        changes.push({ kind: 'event-moved', eventId, scope: 'event', ...by })
      } else if (before.exceptions !== now.exceptions) {
        changes.push({ kind: 'event-moved', eventId, scope: 'occurrences', ...by })
      }
    }
  }
  return { changes, digest: { v: 1, events: sortedRecord(next) } }
}
