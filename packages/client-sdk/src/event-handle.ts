// A live, typed event planning space: notes (a Y.Text to bind to an
// editor), tasks, RSVPs with seats, agenda and comments, presence, undo and
// redo of this user's own changes.
import {
  type AgendaItem,
  addAgendaItem,
  addComment,
  addTask,
  type Comment,
  eventParts,
  type Participant,
  type Rsvp,
  readAgenda,
  readCapacity,
  readComments,
  readParticipants,
  readTasks,
  removeTask,
  setCapacity,
  setRsvp,
  type Task,
  updateTask,
} from '@plansync/schema'
import type * as Y from 'yjs'
import type { DocHandle } from './doc-handle.ts'
import { LiveHandle } from './live-handle.ts'

const newId = () => globalThis.crypto.randomUUID()

export class EventHandle extends LiveHandle {
  #userId: string
  #now: () => number

  constructor(id: string, handle: DocHandle, userId: string, now: () => number = Date.now) {
    super('event', id, handle, (doc) => {
      const parts = eventParts(doc)
      return [parts.notes, parts.tasks, parts.agenda, parts.comments, parts.participants]
    })
    this.#userId = userId
    this.#now = now
  }

  /** The collaborative notes: bind this Y.Text to an editor (y-prosemirror, y-codemirror, ...). */
  get notes(): Y.Text {
    return eventParts(this.doc).notes
  }

  tasks(): Task[] {
    return readTasks(this.doc, this.report)
  }

  addTask(task: { title: string; assignee?: string | null; due?: string | null }): string {
    this.assertWritable()
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
    this.assertWritable()
    updateTask(this.doc, id, patch)
  }

  completeTask(id: string, done = true): void {
    this.assertWritable()
    updateTask(this.doc, id, { done })
  }

  /** Moves a task between two others (fractional order: concurrent moves never collide into one slot). */
  moveTask(id: string, after: string | null): void {
    this.assertWritable()
    const tasks = this.tasks().filter((task) => task.id !== id)
    const index = after === null ? -1 : tasks.findIndex((task) => task.id === after)
    const before = tasks[index]?.order ?? (tasks[0]?.order ?? 1) - 1
    const next = tasks[index + 1]?.order ?? before + 2
    updateTask(this.doc, id, { order: (before + next) / 2 })
  }

  removeTask(id: string): void {
    this.assertWritable()
    removeTask(this.doc, id)
  }

  participants(): Participant[] {
    return readParticipants(this.doc, this.report)
  }

  /** This user's answer; a yes against a capacity shows `pending` until the server decides. */
  rsvp(answer: Rsvp, extra: { guests?: number; note?: string } = {}): void {
    this.assertWritable()
    setRsvp(this.doc, this.#userId, { rsvp: answer, ...extra }, this.#now())
  }

  capacity(): number | null {
    return readCapacity(this.doc, this.report)
  }

  setCapacity(capacity: number | null): void {
    this.assertWritable()
    setCapacity(this.doc, capacity)
  }

  comments(): Comment[] {
    return readComments(this.doc, this.report)
  }

  comment(text: string): void {
    this.assertWritable()
    addComment(this.doc, { id: newId(), author: this.#userId, text, at: this.#now() })
  }

  agenda(): AgendaItem[] {
    return readAgenda(this.doc, this.report)
  }

  addAgendaItem(title: string, minutes: number): void {
    this.assertWritable()
    addAgendaItem(this.doc, { id: newId(), title, minutes })
  }
}
