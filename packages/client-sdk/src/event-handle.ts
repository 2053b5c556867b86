// A live, typed event planning space: notes (a Y.Text to bind to an
// editor), tasks, RSVPs with seats, agenda and comments, presence, undo and
// redo of this user's own changes. Assigning a task stamps who assigned it
// (`assignedBy`), so the notifier does not tell people of tasks they took
// themselves.
import {
  type AgendaItem,
  addAgendaItem,
  addComment,
  addTask,
  asAuthor,
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
  SchemaError,
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
    addTask(
      this.doc,
      id,
      {
        title: task.title,
        assignee: task.assignee ?? null,
        due: task.due ?? null,
        done: false,
        order: last + 1,
      },
      asAuthor(this.#userId, this.#now()),
    )
    return id
  }

  updateTask(id: string, patch: Partial<Omit<Task, 'id' | 'order'>>): void {
    this.assertWritable()
    updateTask(this.doc, id, patch, asAuthor(this.#userId, this.#now()))
  }

  completeTask(id: string, done = true): void {
    this.assertWritable()
    updateTask(this.doc, id, { done })
  }

  /**
   * Moves a task right after `after` (null: first). Orders are fractional:
   * the task takes the midpoint of its new neighbours, so a move writes one
   * field, concurrent moves of one task end in one place (the last writer's),
   * and tasks moved into the same gap at once all land there (equal orders
   * sort by id, the same on every replica). When no number fits between the
   * neighbours (equal orders, or the gap halved to nothing), every task is
   * renumbered in the new order.
   */
  moveTask(id: string, after: string | null): void {
    this.assertWritable()
    if (after === id) return
    const tasks = this.tasks()
    if (!tasks.some((task) => task.id === id)) throw new SchemaError(`tasks.${id}`, 'no such task')
    const others = tasks.filter((task) => task.id !== id)
    const index = after === null ? -1 : others.findIndex((task) => task.id === after)
    if (after !== null && index < 0) throw new SchemaError(`tasks.${after}`, 'no such task')
    const previous = others[index]?.order
    const next = others[index + 1]?.order
    const order =
      previous === undefined
        ? next === undefined
          ? 1
          : next - 1
        : next === undefined
          ? previous + 1
          : (previous + next) / 2
    if ((previous === undefined || previous < order) && (next === undefined || order < next)) {
      updateTask(this.doc, id, { order })
      return
    }
    const moved = tasks.find((task) => task.id === id) as Task
    const ordered = [...others.slice(0, index + 1), moved, ...others.slice(index + 1)]
    this.doc.transact(() => {
      ordered.forEach((task, position) => {
        if (task.order !== position + 1) updateTask(this.doc, task.id, { order: position + 1 })
      })
    })
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
