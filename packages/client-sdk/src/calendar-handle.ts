// A live, typed calendar: events and their occurrences in a range, writes
// with the "this / following / all" scopes, undo and redo of this user's own
// changes, presence, and change events. Every read and write is on the
// local replica; nothing waits for the network.
//
// Writes are stamped with the signed-in user (`updatedBy` on an event,
// `deletedBy` for a deleted one; see @plansync/schema authorship), so the
// notifier does not tell people about their own changes. With no user known
// yet (a session restored offline), writes go unstamped: everyone is told.
import {
  type Author,
  asAuthor,
  type CalendarMeta,
  createEvent,
  deleteOccurrence,
  type EventFields,
  type EventInput,
  type EventSummary,
  type ExpandOptions,
  expandEvents,
  type IcsImportResult,
  importIcs,
  type Occurrence,
  type OccurrenceRef,
  type OccurrenceScope,
  readCalendarMeta,
  readEvents,
  updateEvent,
  updateOccurrence,
} from '@plansync/schema'
import type * as Y from 'yjs'
import type { DocHandle } from './doc-handle.ts'
import { LiveHandle } from './live-handle.ts'

const newId = () => globalThis.crypto.randomUUID()

export interface CalendarHandleOptions {
  /** The signed-in user's id, asked at each write (null: not known yet). */
  userId?: () => string | null
  now?: () => number
}

export class CalendarHandle extends LiveHandle {
  #userId: () => string | null
  #now: () => number

  constructor(id: string, handle: DocHandle, options: CalendarHandleOptions = {}) {
    super('calendar', id, handle, (doc) => [doc.getMap('meta'), doc.getMap('events')])
    this.#userId = options.userId ?? (() => null)
    this.#now = options.now ?? Date.now
  }

  /** The ids of the events a transaction touched (and `meta` for calendar settings). */
  protected override describeChange(transaction: Y.Transaction): string[] {
    const events = this.doc.getMap('events')
    const touched = new Set<string>()
    for (const [type, keys] of transaction.changed) {
      if ((type as unknown) === events) for (const key of keys) if (key !== null) touched.add(key)
      // A change inside an event map (or its overrides, exdates): find the event's id.
      let item = type._item
      while (item) {
        if ((item.parent as unknown) === events && item.parentSub) touched.add(item.parentSub)
        item = (item.parent as Y.AbstractType<unknown>)._item
      }
      if ((type as unknown) === this.doc.getMap('meta')) touched.add('meta')
    }
    return [...touched].sort()
  }

  meta(): CalendarMeta {
    return readCalendarMeta(this.doc, this.report)
  }

  events(): EventSummary[] {
    return readEvents(this.doc, this.report)
  }

  /** Occurrences overlapping [from, to), recurring events expanded (DST-correct). */
  occurrences(from: Date | number, to: Date | number, options?: ExpandOptions): Occurrence[] {
    return expandEvents(this.events(), Number(from), Number(to), options)
  }

  /**
   * Imports an .ics file (all or nothing; see @plansync/schema ics/): events keep
   * their times and zones, recurrence and changed occurrences; alarms are not
   * imported. Importing a file again updates its events instead of
   * duplicating them. Throws an IcsImportError naming what is wrong.
   */
  importIcs(text: string): IcsImportResult {
    this.assertWritable()
    return importIcs(this.doc, text, {
      defaultTimeZone: this.meta().timeZone,
      author: this.#author(),
    })
  }

  createEvent(input: EventInput): string {
    this.assertWritable()
    const id = newId()
    createEvent(this.doc, id, input, this.#author())
    return id
  }

  /** Changes an event, or with `occurrence` one occurrence, it and the following ones, or all. */
  updateEvent(
    id: string,
    patch: Partial<EventFields>,
    occurrence?: { recurrenceId: string; scope: OccurrenceScope },
  ): void {
    this.assertWritable()
    if (!occurrence) {
      updateEvent(this.doc, id, patch, this.#author())
      return
    }
    const ref: OccurrenceRef = { eventId: id, recurrenceId: occurrence.recurrenceId }
    updateOccurrence(this.doc, ref, occurrence.scope, patch, newId, this.#author())
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
    this.assertWritable()
    deleteOccurrence(
      this.doc,
      { eventId: id, recurrenceId: occurrence?.recurrenceId ?? '' },
      occurrence?.scope ?? 'all',
      this.#author(),
    )
  }

  #author(): Author | undefined {
    return asAuthor(this.#userId(), this.#now())
  }
}
