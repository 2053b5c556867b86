// A live, typed calendar: events and their occurrences in a range, writes
// with the "this / following / all" scopes, undo and redo of this user's own
// changes, presence, and change events. Every read and write is on the
// local replica; nothing waits for the network.
import {
  accessFor,
  type CalendarMeta,
  createEvent,
  type DocAccess,
  deleteOccurrence,
  type EventFields,
  type EventInput,
  type EventSummary,
  type ExpandOptions,
  expandEvents,
  initialMigration,
  migrateDoc,
  type Occurrence,
  type OccurrenceRef,
  type OccurrenceScope,
  readCalendarMeta,
  readEvents,
  SchemaError,
  type SchemaIssue,
  updateEvent,
  updateOccurrence,
} from '@plansync/schema'
import { ObservableV2 } from 'lib0/observable'
import * as Y from 'yjs'
import type { DocHandle } from './doc-handle.ts'
import { Presence } from './presence.ts'
import type { DocSync } from './sync/doc-sync.ts'
import type { SyncStatus } from './sync/status.ts'

export type CalendarEvents = {
  /** Something in the calendar changed (locally or from others). */
  change: (origin: 'local' | 'remote') => void
  /** A stored value was malformed and skipped. */
  issue: (issue: SchemaIssue) => void
  status: (status: SyncStatus) => void
}

const newId = () => globalThis.crypto.randomUUID()

export class CalendarHandle extends ObservableV2<CalendarEvents> {
  readonly id: string
  readonly presence: Presence
  readonly undoManager: Y.UndoManager
  #handle: DocHandle
  #access: DocAccess

  constructor(id: string, handle: DocHandle) {
    super()
    this.id = id
    this.#handle = handle
    const doc = handle.doc
    this.#access = migrateDoc(doc, [initialMigration])
    this.presence = new Presence(handle.awareness)
    // Only this user's own transactions (origin null) are undone; remote ones never.
    this.undoManager = new Y.UndoManager([doc.getMap('meta'), doc.getMap('events')], {
      trackedOrigins: new Set([null]),
    })
    doc.on('afterTransaction', this.#onTransaction)
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

  /** `read-only` when the calendar was written by a newer schema than this SDK knows. */
  get access(): DocAccess {
    return this.#access
  }

  meta(): CalendarMeta {
    return readCalendarMeta(this.doc, this.#report)
  }

  events(): EventSummary[] {
    return readEvents(this.doc, this.#report)
  }

  /** Occurrences overlapping [from, to), recurring events expanded (DST-correct). */
  occurrences(from: Date | number, to: Date | number, options?: ExpandOptions): Occurrence[] {
    return expandEvents(this.events(), Number(from), Number(to), options)
  }

  createEvent(input: EventInput): string {
    this.#writable()
    const id = newId()
    createEvent(this.doc, id, input)
    return id
  }

  /** Changes an event, or with `occurrence` one occurrence, it and the following ones, or all. */
  updateEvent(
    id: string,
    patch: Partial<EventFields>,
    occurrence?: { recurrenceId: string; scope: OccurrenceScope },
  ): void {
    this.#writable()
    if (!occurrence) {
      updateEvent(this.doc, id, patch)
      return
    }
    const ref: OccurrenceRef = { eventId: id, recurrenceId: occurrence.recurrenceId }
    updateOccurrence(this.doc, ref, occurrence.scope, patch, newId)
  }

  /** Moves an event (or an occurrence) to a new start, keeping its length. */
  moveEvent(
    id: string,
    start: string,
    end: string,
    occurrence?: { recurrenceId: string; scope: OccurrenceScope },
  ): void {
    this.updateEvent(id, { start, end }, occurrence)
  }

  deleteEvent(id: string, occurrence?: { recurrenceId: string; scope: OccurrenceScope }): void {
    this.#writable()
    deleteOccurrence(
      this.doc,
      { eventId: id, recurrenceId: occurrence?.recurrenceId ?? '' },
      occurrence?.scope ?? 'all',
    )
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
        'calendar',
        'written by a newer version of plansync: open read-only, update the app to edit',
      )
    }
  }

  #report = (issue: SchemaIssue): void => this.emit('issue', [issue])

  #onTransaction = (transaction: Y.Transaction): void => {
    if (transaction.changed.size === 0) return
    // A remote update can carry a newer schema version: stop writing then.
    this.#access = accessFor(this.doc)
    this.emit('change', [transaction.local ? 'local' : 'remote'])
  }
}
