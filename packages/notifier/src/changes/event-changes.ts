// What changed in an event doc (`event:<id>`) between the last snapshot the
// notifier recorded and the current one: tasks newly assigned to someone,
// and seats the allocator confirmed. Pure, like calendar-changes.ts.
//
// The digest keeps each task's assignee and whether it is done, and each
// participant's seat (`confirmed`, `waitlisted`, `pending`, or `none` without
// a capacity or a "yes"). Malformed values: a task or participant that is in
// the doc but cannot be read, or every seat while the capacity or that
// participant's allocation is unreadable, is null and keeps what it had.
//
// Authors: a task's digest also keeps who assigned it (`assignedBy`) and
// which write that stamp was; an assignment carries its `author` only when
// the stamp was written since the last digest (see calendar-changes.ts).
import {
  eventParts,
  type IssueReporter,
  ignoreIssues,
  readCapacity,
  readParticipants,
  readTaskAssigner,
  readTasks,
} from '@plansync/schema'
import * as Y from 'yjs'
import { own, sortedRecord } from './digest-values.ts'

export interface TaskDigest {
  readonly assignee: string | null
  readonly done: boolean
  /** Who assigned it (`assignedBy`), when the task has a readable stamp. */
  readonly by?: string
  /** Which write that stamp was. */
  readonly stamp?: string
}

export type SeatDigest = 'confirmed' | 'waitlisted' | 'pending' | 'none'

export interface EventDocDigest {
  readonly v: 1
  /** Task id → digest; null: in the doc but unreadable. */
  readonly tasks: Readonly<Record<string, TaskDigest | null>>
  /** Participant (user id) → seat; null: unreadable. */
  readonly seats: Readonly<Record<string, SeatDigest | null>>
}

export type EventDocChange =
  | {
      readonly kind: 'task-assigned'
      readonly taskId: string
      readonly userId: string
      /** Who assigned it, when a stamp written with this change says so. */
      readonly author?: string
    }
  /** `seat-promoted` when the seat was waitlisted before, `seat-confirmed` otherwise. */
  | { readonly kind: 'seat-confirmed' | 'seat-promoted'; readonly userId: string }

export const EMPTY_EVENT_DOC_DIGEST: EventDocDigest = { v: 1, tasks: {}, seats: {} }

const SEATS: readonly string[] = ['confirmed', 'waitlisted', 'pending', 'none']

export function digestEventDoc(doc: Y.Doc, report: IssueReporter = ignoreIssues): EventDocDigest {
  const parts = eventParts(doc)
  const tasks = new Map(readTasks(doc, report).map((task) => [task.id, task]))
  const participants = new Map(readParticipants(doc, report).map((p) => [p.userId, p]))
  const capacityUnreadable =
    parts.seats.get('capacity') !== undefined && readCapacity(doc, ignoreIssues) === null
  const taskEntries: Array<[string, TaskDigest | null]> = []
  for (const id of parts.tasks.keys()) {
    const task = tasks.get(id)
    const stamp = task && readTaskAssigner(parts.tasks.get(id), `tasks.${id}`, report)
    taskEntries.push([
      id,
      task
        ? {
            assignee: task.assignee,
            done: task.done,
            ...(stamp ? { by: stamp.userId, stamp: stamp.write } : {}),
          }
        : null,
    ])
  }
  const seatEntries: Array<[string, SeatDigest | null]> = []
  for (const userId of parts.participants.keys()) {
    const participant = participants.get(userId)
    const unreadable =
      !participant ||
      capacityUnreadable ||
      (participant.seat !== null && !isDecision(parts.allocation.get(userId)))
    seatEntries.push([userId, unreadable ? null : (participant.seat ?? 'none')])
  }
  return { v: 1, tasks: sortedRecord(taskEntries), seats: sortedRecord(seatEntries) }
}

/** No allocation entry yet (pending), or a well-formed one; anything else is unreadable. */
function isDecision(entry: unknown): boolean {
  if (entry === undefined) return true
  if (!(entry instanceof Y.Map)) return false
  const state = entry.get('state')
  const seats = entry.get('seats')
  return (state === 'confirmed' || state === 'waitlisted') && Number.isInteger(seats)
}

export function parseEventDocDigest(value: unknown): EventDocDigest | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const { v, tasks, seats } = value as Record<string, unknown>
  if (v !== 1 || typeof tasks !== 'object' || tasks === null) return undefined
  if (typeof seats !== 'object' || seats === null) return undefined
  for (const task of Object.values(tasks)) {
    if (task === null) continue
    const t = task as Partial<TaskDigest>
    if (
      (t.assignee !== null && typeof t.assignee !== 'string') ||
      typeof t.done !== 'boolean' ||
      (t.by !== undefined && typeof t.by !== 'string') ||
      (t.stamp !== undefined && typeof t.stamp !== 'string')
    ) {
      return undefined
    }
  }
  for (const seat of Object.values(seats)) {
    if (seat !== null && !SEATS.includes(seat as string)) return undefined
  }
  return value as EventDocDigest
}

/**
 * The changes from `previous` to `current` and the digest to record: a task
 * not done whose assignee is someone new (a new task, or reassigned), and a
 * seat that became confirmed. Unassigning, finishing or removing a task, and
 * losing a seat, are not announced.
 */
export function diffEventDoc(
  previous: EventDocDigest,
  current: EventDocDigest,
): { changes: EventDocChange[]; digest: EventDocDigest } {
  const changes: EventDocChange[] = []
  const tasks: Array<[string, TaskDigest | null]> = []
  for (const [taskId, now] of Object.entries(current.tasks)) {
    const before = own(previous.tasks, taskId) ?? null
    if (now === null) {
      tasks.push([taskId, before])
      continue
    }
    tasks.push([taskId, now])
    if (now.assignee !== null && !now.done && now.assignee !== before?.assignee) {
      const fresh = now.by !== undefined && now.stamp !== before?.stamp
      changes.push({
        kind: 'task-assigned',
        taskId,
        userId: now.assignee,
        ...(fresh ? { author: now.by } : {}),
      })
    }
  }
  const seats: Array<[string, SeatDigest | null]> = []
  for (const [userId, now] of Object.entries(current.seats)) {
    const before = own(previous.seats, userId) ?? null
    if (now === null) {
      seats.push([userId, before])
      continue
    }
    seats.push([userId, now])
    if (now === 'confirmed' && before !== 'confirmed') {
      changes.push({ kind: before === 'waitlisted' ? 'seat-promoted' : 'seat-confirmed', userId })
    }
  }
  changes.sort((a, b) => key(a).localeCompare(key(b)))
  return { changes, digest: { v: 1, tasks: sortedRecord(tasks), seats: sortedRecord(seats) } }
}

const key = (change: EventDocChange) =>
  change.kind === 'task-assigned' ? `task ${change.taskId}` : `seat ${change.userId}`
