// The per-user inbox doc (`user:<id>:inbox`): in-app notifications. The
// notifier adds them; the user's apps read them live and mark them read.
//
//   items  Y.Map  id → Y.Map { kind, title, body, url, createdAt, readAt }
//
// The id is the notification's idempotency key, so the same notification
// added twice (a retried delivery, two notifier replicas) is one item.
//
// `kind` is any short string, so entries of kinds a newer notifier adds still
// read; the kinds the notifier writes today are INBOX_KINDS.
import * as Y from 'yjs'
import { type IssueReporter, ignoreIssues, SchemaError } from './issues.ts'
import { describe, readFields } from './read-fields.ts'
import { integer, LIMITS, text } from './values.ts'

/** What the notifier writes into inboxes today (see the notifier's README for each). */
export const INBOX_KINDS = [
  'reminder',
  'invited',
  'event-created',
  'event-moved',
  'event-cancelled',
  /** Many changes to one calendar at once (an import, a subscription refresh), in one entry. */
  'events-changed',
  'task-assigned',
  /** Many tasks assigned to the user at once, in one entry. */
  'tasks-assigned',
  'seat-confirmed',
  'seat-promoted',
] as const

export type InboxKind = (typeof INBOX_KINDS)[number]

export interface InboxEntry {
  id: string
  /** What happened: one of INBOX_KINDS, or a kind a newer notifier added. */
  kind: string
  title: string
  body: string
  url: string | null
  /** Epoch milliseconds. */
  createdAt: number
  readAt: number | null
}

const MAX_ID = 512
const isEpochMs = integer(0, 8_640_000_000_000_000)
const isEntryId = (value: unknown) =>
  typeof value === 'string' &&
  value.length > 0 &&
  value.length <= MAX_ID &&
  ![...value].some((char) => char.charCodeAt(0) < 0x20)
    ? value
    : undefined

const entrySpec = {
  kind: text(64),
  title: text(LIMITS.title),
  body: text(LIMITS.text),
  url: (v: unknown) => (v === null ? null : text(2048)(v)),
  createdAt: isEpochMs,
  readAt: (v: unknown) => (v === null ? null : isEpochMs(v)),
}

const itemsOf = (doc: Y.Doc) => doc.getMap('items') as Y.Map<unknown>

/** Every valid entry, newest first; malformed ones are skipped and reported. */
export function readInbox(doc: Y.Doc, report: IssueReporter = ignoreIssues): InboxEntry[] {
  const out: InboxEntry[] = []
  for (const [id, raw] of itemsOf(doc)) {
    if (isEntryId(id) === undefined || !(raw instanceof Y.Map)) {
      report({ path: `items.${id}`, reason: `not an inbox entry: ${describe(raw)}` })
      continue
    }
    const f = readFields(raw, entrySpec, `items.${id}`, report)
    if (f.kind === undefined || f.title === undefined || f.createdAt === undefined) continue
    out.push({
      id,
      kind: f.kind,
      title: f.title,
      body: f.body ?? '',
      url: f.url ?? null,
      createdAt: f.createdAt,
      readAt: f.readAt ?? null,
    })
  }
  return out.sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id))
}

/** Adds an unread entry unless one with its id exists; true when added. */
export function addInboxEntry(doc: Y.Doc, entry: Omit<InboxEntry, 'readAt'>): boolean {
  if (isEntryId(entry.id) === undefined) throw new SchemaError('items', 'invalid entry id')
  for (const [key, check] of Object.entries(entrySpec)) {
    const value = (entry as unknown as Record<string, unknown>)[key]
    if (key !== 'readAt' && check(value) === undefined && value !== undefined) {
      throw new SchemaError(`items.${entry.id}.${key}`, `invalid value ${describe(value)}`)
    }
  }
  const items = itemsOf(doc)
  if (items.has(entry.id)) return false
  doc.transact(() => {
    const map = new Y.Map<unknown>()
    items.set(entry.id, map)
    map.set('kind', entry.kind)
    map.set('title', entry.title)
    map.set('body', entry.body)
    map.set('url', entry.url)
    map.set('createdAt', entry.createdAt)
    map.set('readAt', null)
  })
  return true
}

/** Marks an entry read at `at`, or unread with null; false when there is no such entry. */
export function markInboxEntry(doc: Y.Doc, id: string, at: number | null): boolean {
  const entry = itemsOf(doc).get(id)
  if (!(entry instanceof Y.Map)) return false
  if (at !== null && isEpochMs(at) === undefined)
    throw new SchemaError(`items.${id}.readAt`, 'not a time')
  entry.set('readAt', at)
  return true
}

/** Deletes the oldest entries beyond `keep`, read ones first, so the doc stays small. */
export function pruneInbox(doc: Y.Doc, keep: number): number {
  const entries = readInbox(doc)
  if (entries.length <= keep) return 0
  const oldestFirst = [...entries].sort(
    (a, b) => Number(a.readAt === null) - Number(b.readAt === null) || a.createdAt - b.createdAt,
  )
  const drop = oldestFirst.slice(0, entries.length - keep)
  doc.transact(() => {
    for (const entry of drop) itemsOf(doc).delete(entry.id)
  })
  return drop.length
}
