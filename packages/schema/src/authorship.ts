// Who made a change, stamped by the writer beside the change, so that the
// notifier can leave the author out of the people it tells:
//
//   events.<id>.updatedBy   user id: who last created the event or changed
//                           when it happens or its status (times, zone,
//                           all-day flag, rule, occurrences, status). Edits
//                           of title, place, notes or reminders leave it.
//   tasks.<id>.assignedBy   user id: who set the task's current assignee.
//   deletedBy (calendar)    Y.Map event id → { by, at }: who deleted an event
//                           (the event's own map is gone). Pruned by the
//                           writers: entries older than a week go, and at
//                           most 50 stay.
//
// All optional: docs and writers without them (older clients, the notifier's
// own imports) mean "author unknown". Write access means trust (the Yjs
// threat model), so a stamp is a hint, never a proof: a forged one only
// misdirects a notification. Readers skip a malformed stamp, as any field.
//
// A stamp also says which write it was (`write`: the Yjs id of the item
// holding it), so a reader comparing two snapshots can tell a stamp written
// since the first (it belongs to this change) from one left over from an
// earlier change that a writer without stamps changed again.
import * as Y from 'yjs'
import type { IssueReporter } from './issues.ts'
import { describe } from './read-fields.ts'
import { integer, isId } from './values.ts'

export const EVENT_AUTHOR = 'updatedBy'
export const TASK_ASSIGNER = 'assignedBy'
/** The calendar doc's top-level map of deletions. */
export const DELETED_BY = 'deletedBy'

/** The user behind a write, and when (ms since epoch; deletions record it, for pruning). */
export interface Author {
  readonly by: string
  readonly at: number
}

export interface Stamp {
  readonly userId: string
  /** The stamp's own write (Yjs item id `client:clock`): a new one for every stamp. */
  readonly write: string
}

/** The event fields whose change is stamped: those members are told about. */
const STAMPED_EVENT_FIELDS: ReadonlySet<string> = new Set([
  'allDay',
  'start',
  'end',
  'timeZone',
  'rrule',
  'status',
])

const DELETIONS_KEPT = 50
const DELETIONS_KEPT_MS = 7 * 24 * 60 * 60 * 1000
const isAt = integer(0, Number.MAX_SAFE_INTEGER)

/** The author to stamp for a user id, or undefined when the id cannot be stamped (unknown, malformed). */
export function asAuthor(userId: string | null | undefined, at: number): Author | undefined {
  return isId(userId) !== undefined && isAt(at) !== undefined
    ? { by: userId as string, at }
    : undefined
}

/** Whether an event patch changes something an event's stamp covers. */
export function isStampedEventChange(patch: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(patch).some(
    ([key, value]) => value !== undefined && STAMPED_EVENT_FIELDS.has(key),
  )
}

function assertAuthor(author: Author): void {
  // Writers validate their input; a bad author is a programming error, not stored data.
  if (isId(author.by) === undefined || isAt(author.at) === undefined) {
    throw new TypeError(`invalid author ${describe(author.by)} at ${describe(author.at)}`)
  }
}

/** Stamps an event map with its author, in the caller's transaction. */
export function stampEvent(map: Y.Map<unknown>, author: Author | undefined): void {
  if (!author) return
  assertAuthor(author)
  map.set(EVENT_AUTHOR, author.by)
}

/** Stamps a task map with who assigned it, in the caller's transaction. */
export function stampAssignment(map: Y.Map<unknown>, author: Author | undefined): void {
  if (!author) return
  assertAuthor(author)
  map.set(TASK_ASSIGNER, author.by)
}

function readStamp(map: unknown, key: string, path: string, report: IssueReporter): Stamp | null {
  if (!(map instanceof Y.Map)) return null
  const raw = map.get(key)
  if (raw === undefined) return null
  const userId = isId(raw)
  if (userId === undefined) {
    report({ path: `${path}.${key}`, reason: `invalid value ${describe(raw)}` })
    return null
  }
  // The item holding the current value: its id is unique to this write.
  const item = map._map.get(key)
  return { userId, write: item ? `${item.id.client}:${item.id.clock}` : '' }
}

/** The author stamped on an event map (`events.<id>`), or null: none, or malformed. */
export function readEventAuthor(map: unknown, path: string, report: IssueReporter): Stamp | null {
  return readStamp(map, EVENT_AUTHOR, path, report)
}

/** Who assigned a task (`tasks.<id>`), or null: none, or malformed. */
export function readTaskAssigner(map: unknown, path: string, report: IssueReporter): Stamp | null {
  return readStamp(map, TASK_ASSIGNER, path, report)
}

function deletionsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(DELETED_BY)
}

/** Who deleted which event (event id → user id), as recorded; malformed entries skipped. */
export function readDeletedBy(doc: Y.Doc, report: IssueReporter): Map<string, string> {
  const out = new Map<string, string>()
  for (const [eventId, entry] of deletionsOf(doc)) {
    const by = readDeletion(entry)?.by
    if (isId(eventId) === undefined || by === undefined) {
      report({ path: `${DELETED_BY}.${eventId}`, reason: `not a deletion: ${describe(entry)}` })
    } else out.set(eventId, by)
  }
  return out
}

function readDeletion(entry: unknown): Author | undefined {
  if (typeof entry !== 'object' || entry === null || entry instanceof Y.AbstractType) return
  const { by, at } = entry as { by?: unknown; at?: unknown }
  const user = isId(by)
  const time = isAt(at)
  return user === undefined || time === undefined ? undefined : { by: user, at: time }
}

/**
 * Records who deleted an event, in the caller's transaction, and prunes the
 * record: entries older than a week, unreadable ones, and the oldest beyond
 * 50 go.
 */
export function recordDeletion(doc: Y.Doc, eventId: string, author: Author | undefined): void {
  if (!author) return
  assertAuthor(author)
  const deletions = deletionsOf(doc)
  deletions.set(eventId, { by: author.by, at: author.at })
  const kept: Array<[string, number]> = []
  const dropped: string[] = []
  for (const [id, entry] of deletions) {
    const at = readDeletion(entry)?.at
    if (at === undefined || isId(id) === undefined || at < author.at - DELETIONS_KEPT_MS) {
      dropped.push(id)
    } else if (id !== eventId) kept.push([id, at])
  }
  // Newest first; the one just recorded always stays.
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  for (const [id] of kept.slice(DELETIONS_KEPT - 1)) dropped.push(id)
  for (const id of dropped) deletions.delete(id)
}

/** Forgets a deletion when its id is used again (an import brings a deleted event back). */
export function forgetDeletion(doc: Y.Doc, eventId: string): void {
  // A doc that never had a deletion recorded keeps no empty `deletedBy` either.
  if (!doc.share.has(DELETED_BY)) return
  const deletions = deletionsOf(doc)
  if (deletions.has(eventId)) deletions.delete(eventId)
}
