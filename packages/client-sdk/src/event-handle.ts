// A live, typed event planning space: notes (a Y.Text to bind to an
// editor), tasks, RSVPs with seats, agenda and comments, presence, undo and
// redo of this user's own changes.
import {
  type AgendaItem,
  accessFor,
  addAgendaItem,
  addComment,
  addTask,
  type Comment,
  type DocAccess,
  eventParts,
  initialMigration,
  migrateDoc,
  type Participant,
  type Rsvp,
  readAgenda,
  readCapacity,
  readComments,
  readParticipants,
  readTasks,
  removeTask,
  SchemaError,
  type SchemaIssue,
  setCapacity,
  setRsvp,
  type Task,
  updateTask,
} from '@plansync/schema'
import { ObservableV2 } from 'lib0/observable'
import * as Y from 'yjs'
import type { DocHandle } from './doc-handle.ts'
import { Presence } from './presence.ts'
import type { DocSync } from './sync/doc-sync.ts'
import type { SyncStatus } from './sync/status.ts'

export type EventHandleEvents = {
  change: (origin: 'local' | 'remote') => void
  issue: (issue: SchemaIssue) => void
  status: (status: SyncStatus) => void
}

const newId = () => globalThis.crypto.randomUUID()

export class EventHandle extends ObservableV2<EventHandleEvents> {
  readonly id: string
  readonly presence: Presence
  readonly undoManager: Y.UndoManager
  #handle: DocHandle
  #userId: string
  #now: () => number
  #access: DocAccess

  constructor(id: string, handle: DocHandle, userId: string, now: () => number = Date.now) {
    super()
    this.id = id
    this.#handle = handle
    this.#userId = userId
    this.#now = now
    this.#access = migrateDoc(handle.doc, [initialMigration])
    this.presence = new Presence(handle.awareness)
    const parts = eventParts(handle.doc)
    this.undoManager = new Y.UndoManager(
      [parts.notes, parts.tasks, parts.agenda, parts.comments, parts.participants],
      {
        trackedOrigins: new Set([null]),
      },
    )
    handle.doc.on('afterTransaction', this.#onTransaction)
    handle.on('status', (status) => this.emit('status', [status]))
  }

  get doc(): Y.Doc {
    return this.#handle.doc
  }

  get status(): SyncStatus {
    return this.#handle.status
  }

  /** The doc's connection: `disconnect()` works offline on purpose, `connect()` resumes. */
  get connection(): Pick<DocSync, 'connect' | 'disconnect' | 'retryNow'> {
    return this.#handle.sync
  }

  /** `read-only` when the event was written by a newer schema than this SDK knows. */
  get access(): DocAccess {
    return this.#access
  }

  /** The collaborative notes: bind this Y.Text to an editor (y-prosemirror, y-codemirror, ...). */
  get notes(): Y.Text {
    return eventParts(this.doc).notes
  }

  tasks(): Task[] {
    return readTasks(this.doc, this.#report)
  }

  addTask(task: { title: string; assignee?: string | null; due?: string | null }): string {
    this.#writable()
    const id = newId()
    const last = this.tasks().at(-1)?.order ?? 0
    addTask(this.doc, id, {
      title: task.title,
      assignee: task.assignee ?? null,
      due: task.due ?? null,
      done: false,
      order: last + 1,
    })
    return id
  }

  updateTask(id: string, patch: Partial<Omit<Task, 'id' | 'order'>>): void {
    this.#writable()
    updateTask(this.doc, id, patch)
  }

  completeTask(id: string, done = true): void {
    this.#writable()
    updateTask(this.doc, id, { done })
  }

  /** Moves a task between two others (fractional order: concurrent moves never collide into one slot). */
  moveTask(id: string, after: string | null): void {
    this.#writable()
    const tasks = this.tasks().filter((task) => task.id !== id)
    const index = after === null ? -1 : tasks.findIndex((task) => task.id === after)
    const before = tasks[index]?.order ?? (tasks[0]?.order ?? 1) - 1
    const next = tasks[index + 1]?.order ?? before + 2
    updateTask(this.doc, id, { order: (before + next) / 2 })
  }

  removeTask(id: string): void {
    this.#writable()
    removeTask(this.doc, id)
  }

  participants(): Participant[] {
    return readParticipants(this.doc, this.#report)
  }

  /** This user's answer; a yes against a capacity shows `pending` until the server decides. */
  rsvp(answer: Rsvp, extra: { guests?: number; note?: string } = {}): void {
    this.#writable()
    setRsvp(this.doc, this.#userId, { rsvp: answer, ...extra }, this.#now())
  }

  capacity(): number | null {
    return readCapacity(this.doc, this.#report)
  }

  setCapacity(capacity: number | null): void {
    this.#writable()
    setCapacity(this.doc, capacity)
  }

  comments(): Comment[] {
    return readComments(this.doc, this.#report)
  }

  comment(text: string): void {
    this.#writable()
    addComment(this.doc, { id: newId(), author: this.#userId, text, at: this.#now() })
  }

  agenda(): AgendaItem[] {
    return readAgenda(this.doc, this.#report)
  }

  addAgendaItem(title: string, minutes: number): void {
    this.#writable()
    addAgendaItem(this.doc, { id: newId(), title, minutes })
  }

  undo(): void {
    this.undoManager.undo()
  }

  redo(): void {
    this.undoManager.redo()
  }

  async close(): Promise<void> {
    this.doc.off('afterTransaction', this.#onTransaction)
    this.undoManager.destroy()
    await this.#handle.close()
    super.destroy()
  }

  #writable(): void {
    if (this.#access === 'read-only') {
      throw new SchemaError(
        'event',
        'written by a newer version of plansync: open read-only, update the app to edit',
      )
    }
  }

  #report = (issue: SchemaIssue): void => this.emit('issue', [issue])

  #onTransaction = (transaction: Y.Transaction): void => {
    if (transaction.changed.size === 0) return
    this.#access = accessFor(this.doc)
    this.emit('change', [transaction.local ? 'local' : 'remote'])
  }
}
