// The event doc (`event:<id>`), the planning space of one event:
//
//   meta          Y.Map    schemaVersion
//   notes         Y.Text   collaborative notes
//   tasks         Y.Map    task id → Y.Map { title, assignee, due, done, order,
//                          assignedBy (who set the assignee; see authorship.ts) }
//   participants  Y.Map    user id → Y.Map { rsvp, guests, note, requestedAt }
//   seats         Y.Map    capacity (absent = unlimited)
//   allocation    Y.Map    user id → Y.Map { state: confirmed | waitlisted, seq }
//                          written only by the server-side allocator
//   agenda        Y.Array  Y.Map { id, title, minutes }
//   comments      Y.Array  Y.Map { id, author, text, at }
//
// An RSVP "yes" against a capacity is a request: until the allocator writes
// its decision into `allocation`, the participant's seat is `pending`.
import * as Y from 'yjs'
import { type Author, stampAssignment, TASK_ASSIGNER } from './authorship.ts'
import { type IssueReporter, ignoreIssues, SchemaError } from './issues.ts'
import { describe, readFields } from './read-fields.ts'
import { integer, isBoolean, isDate, isId, LIMITS, oneOf, text } from './values.ts'

export type Rsvp = 'yes' | 'no' | 'maybe'
export type SeatState = 'confirmed' | 'waitlisted' | 'pending'

export interface Task {
  id: string
  title: string
  assignee: string | null
  due: string | null
  done: boolean
  order: number
}

export interface Participant {
  userId: string
  rsvp: Rsvp
  guests: number
  note: string
  requestedAt: number
  /** Only for `yes` against a capacity: the allocator's answer, or pending until it comes. */
  seat: SeatState | null
}

export interface Comment {
  id: string
  author: string
  text: string
  at: number
}

export interface AgendaItem {
  id: string
  title: string
  minutes: number
}

const taskSpec = {
  title: text(LIMITS.title),
  assignee: (v: unknown) => (v === null ? null : isId(v)),
  due: (v: unknown) => (v === null ? null : isDate(v)),
  done: isBoolean,
  order: (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined),
}
const participantSpec = {
  rsvp: oneOf('yes', 'no', 'maybe'),
  guests: integer(0, LIMITS.guests),
  note: text(LIMITS.title),
  requestedAt: integer(0, Number.MAX_SAFE_INTEGER),
}
const allocationSpec = {
  state: oneOf('confirmed', 'waitlisted'),
  seq: integer(0, Number.MAX_SAFE_INTEGER),
  seats: integer(1, 1 + LIMITS.guests),
}
const commentSpec = {
  id: isId,
  author: isId,
  text: text(LIMITS.text),
  at: integer(0, Number.MAX_SAFE_INTEGER),
}
const agendaSpec = { id: isId, title: text(LIMITS.title), minutes: integer(0, 24 * 60) }

export const eventParts = (doc: Y.Doc) => ({
  notes: doc.getText('notes'),
  tasks: doc.getMap('tasks') as Y.Map<unknown>,
  participants: doc.getMap('participants') as Y.Map<unknown>,
  seats: doc.getMap('seats'),
  allocation: doc.getMap('allocation') as Y.Map<unknown>,
  agenda: doc.getArray('agenda') as Y.Array<unknown>,
  comments: doc.getArray('comments') as Y.Array<unknown>,
})

/** Reads each entry of a Y.Map of Y.Maps, skipping and reporting what is malformed. */
function readEntries<T>(
  map: Y.Map<unknown>,
  path: string,
  report: IssueReporter,
  read: (key: string, entry: Y.Map<unknown>, entryPath: string) => T | undefined,
): T[] {
  const out: T[] = []
  for (const [key, entry] of map) {
    const entryPath = `${path}.${key}`
    if (isId(key) === undefined || !(entry instanceof Y.Map)) {
      report({ path: entryPath, reason: `not an entry: ${describe(entry)}` })
      continue
    }
    const value = read(key, entry, entryPath)
    if (value !== undefined) out.push(value)
  }
  return out
}

export function readTasks(doc: Y.Doc, report: IssueReporter = ignoreIssues): Task[] {
  return readEntries(eventParts(doc).tasks, 'tasks', report, (id, map, path) => {
    const f = readFields(map, taskSpec, path, report)
    if (f.title === undefined) {
      report({ path, reason: 'task without a title' })
      return undefined
    }
    return {
      id,
      title: f.title,
      assignee: f.assignee ?? null,
      due: f.due ?? null,
      done: f.done ?? false,
      order: f.order ?? 0,
    }
  }).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id))
}

export function readCapacity(doc: Y.Doc, report: IssueReporter = ignoreIssues): number | null {
  const f = readFields(
    eventParts(doc).seats as Y.Map<unknown>,
    { capacity: integer(0, 100_000) },
    'seats',
    report,
  )
  return f.capacity ?? null
}

export function readParticipants(doc: Y.Doc, report: IssueReporter = ignoreIssues): Participant[] {
  const { participants, allocation } = eventParts(doc)
  const capacity = readCapacity(doc, report)
  return readEntries(participants, 'participants', report, (userId, map, path) => {
    const f = readFields(map, participantSpec, path, report)
    if (f.rsvp === undefined) {
      report({ path, reason: 'participant without an RSVP' })
      return undefined
    }
    let seat: SeatState | null = null
    if (f.rsvp === 'yes' && capacity !== null) {
      const decided = allocation.get(userId)
      const decision =
        decided instanceof Y.Map
          ? readFields(decided, allocationSpec, `allocation.${userId}`, report)
          : {}
      // A decision covers the seats it granted: more guests since then wait for a new one.
      const covered = (decision.seats ?? 0) >= 1 + (f.guests ?? 0)
      seat = decision.state !== undefined && covered ? decision.state : 'pending'
    }
    return {
      userId,
      rsvp: f.rsvp,
      guests: f.guests ?? 0,
      note: f.note ?? '',
      requestedAt: f.requestedAt ?? 0,
      seat,
    }
  }).sort((a, b) => a.requestedAt - b.requestedAt || a.userId.localeCompare(b.userId))
}

function readItems<T>(
  array: Y.Array<unknown>,
  spec: Record<string, (v: unknown) => unknown>,
  path: string,
  report: IssueReporter,
): T[] {
  const out: T[] = []
  array.forEach((item, index) => {
    if (!(item instanceof Y.Map)) {
      report({ path: `${path}.${index}`, reason: `not an item: ${describe(item)}` })
      return
    }
    const f = readFields(item, spec, `${path}.${index}`, report)
    if (Object.keys(spec).every((key) => key in f)) out.push(f as T)
    else report({ path: `${path}.${index}`, reason: 'incomplete item' })
  })
  return out
}

export function readComments(doc: Y.Doc, report: IssueReporter = ignoreIssues): Comment[] {
  return readItems<Comment>(eventParts(doc).comments, commentSpec, 'comments', report)
}

export function readAgenda(doc: Y.Doc, report: IssueReporter = ignoreIssues): AgendaItem[] {
  return readItems<AgendaItem>(eventParts(doc).agenda, agendaSpec, 'agenda', report)
}

// Writers: validate, then write in one transaction.

function checked<T>(
  spec: Record<string, (v: unknown) => unknown>,
  fields: Record<string, unknown>,
  path: string,
): T {
  for (const [key, value] of Object.entries(fields)) {
    const check = spec[key]
    if (!check) throw new SchemaError(`${path}.${key}`, 'unknown field')
    if (check(value) === undefined)
      throw new SchemaError(`${path}.${key}`, `invalid value ${describe(value)}`)
  }
  return fields as T
}

function setAll(map: Y.Map<unknown>, fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) map.set(key, value)
}

/** Adds a task; with an assignee, `author` is stamped as who assigned it (`assignedBy`). */
export function addTask(doc: Y.Doc, id: string, task: Omit<Task, 'id'>, author?: Author): void {
  if (isId(id) === undefined) throw new SchemaError('tasks', `invalid task id ${describe(id)}`)
  checked(taskSpec, task, `tasks.${id}`)
  doc.transact(() => {
    const map = new Y.Map<unknown>()
    eventParts(doc).tasks.set(id, map)
    setAll(map, task)
    if (task.assignee !== null) stampAssignment(map, author)
  })
}

/** Changes a task; a new assignee stamps `author` as who assigned it (none: the stamp goes). */
export function updateTask(
  doc: Y.Doc,
  id: string,
  patch: Partial<Omit<Task, 'id'>>,
  author?: Author,
): void {
  const map = eventParts(doc).tasks.get(id)
  if (!(map instanceof Y.Map)) throw new SchemaError(`tasks.${id}`, 'no such task')
  checked(taskSpec, patch, `tasks.${id}`)
  doc.transact(() => {
    const reassigned = patch.assignee !== undefined && patch.assignee !== map.get('assignee')
    setAll(map, patch)
    if (!reassigned || !author) return
    if (patch.assignee === null) map.delete(TASK_ASSIGNER)
    else stampAssignment(map, author)
  })
}

export function removeTask(doc: Y.Doc, id: string): void {
  eventParts(doc).tasks.delete(id)
}

/** The user's own RSVP; a new "yes" against a capacity waits for the allocator. */
export function setRsvp(
  doc: Y.Doc,
  userId: string,
  answer: { rsvp: Rsvp; guests?: number; note?: string },
  now: number,
): void {
  if (isId(userId) === undefined)
    throw new SchemaError('participants', `invalid user id ${describe(userId)}`)
  checked(participantSpec, answer, `participants.${userId}`)
  doc.transact(() => {
    const { participants } = eventParts(doc)
    let map = participants.get(userId)
    if (!(map instanceof Y.Map)) {
      map = new Y.Map<unknown>()
      participants.set(userId, map)
    }
    const entry = map as Y.Map<unknown>
    // A new request (not an edit of the note) joins the queue at the end.
    if (entry.get('rsvp') !== answer.rsvp) entry.set('requestedAt', now)
    setAll(entry, answer)
  })
}

export function setCapacity(doc: Y.Doc, capacity: number | null): void {
  if (capacity !== null && integer(0, 100_000)(capacity) === undefined) {
    throw new SchemaError(
      'seats.capacity',
      'a whole number from 0 to 100000, or null for unlimited',
    )
  }
  const { seats } = eventParts(doc)
  if (capacity === null) seats.delete('capacity')
  else seats.set('capacity', capacity)
}

export function addComment(doc: Y.Doc, comment: Comment): void {
  checked(commentSpec, { ...comment }, 'comments')
  const map = new Y.Map<unknown>()
  doc.transact(() => {
    eventParts(doc).comments.push([map])
    setAll(map, { ...comment })
  })
}

export function addAgendaItem(doc: Y.Doc, item: AgendaItem): void {
  checked(agendaSpec, { ...item }, 'agenda')
  const map = new Y.Map<unknown>()
  doc.transact(() => {
    eventParts(doc).agenda.push([map])
    setAll(map, { ...item })
  })
}
