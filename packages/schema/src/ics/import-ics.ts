// Imports an .ics file into a calendar doc in one transaction, all or
// nothing: every event is first built on a scratch doc, so a file with one
// event plansync cannot take (an unknown rule, an overlong title) changes
// nothing. An event's id is a prefix (one per source) and a hash of its
// UID, so importing the same file again (or a newer export) updates those
// events instead of duplicating them, and an unchanged event is not written
// again. Reminders start muted: alarms are not imported.
import { toBase64 } from 'lib0/buffer'
import { digest } from 'lib0/hash/sha256'
import { encodeUtf8 } from 'lib0/string'
import * as Y from 'yjs'
import type { Author } from '../authorship.ts'
import { createEvent, deleteEvent, readEvents } from '../calendar-doc.ts'
import { deleteOccurrence, updateOccurrence } from '../series.ts'
import { IcsImportError, type ImportedEvent, type ParseOptions, parseIcs } from './parse-ics.ts'

export interface IcsImportResult {
  created: number
  /** Events imported before (same UID) and changed since. */
  updated: number
  /** Events imported before and the same now: not written again. */
  unchanged: number
  /** With `removeMissing`: events of this source no longer in the file. */
  removed: number
}

export interface IcsImportOptions extends ParseOptions {
  /** Ids are this prefix and a hash of the UID: one prefix per source. Default `ics-`. */
  idPrefix?: string
  /** Deletes this source's events the file no longer has (subscriptions). */
  removeMissing?: boolean
  /** Who imports: stamped on the events written and the deletions (see authorship.ts). */
  author?: Author
}

export function importIcs(doc: Y.Doc, text: string, options: IcsImportOptions): IcsImportResult {
  const prefix = options.idPrefix ?? 'ics-'
  const events = parseIcs(text, options)
  // The scratch copies also say which events changed, so an unchanged file writes nothing.
  const scratch = new Y.Doc()
  let wanted: Map<string, string>
  try {
    for (const event of events) write(scratch, event, prefix)
    wanted = new Map(readEvents(scratch).map((event) => [event.id, JSON.stringify(event)]))
  } catch (error) {
    throw new IcsImportError('the file has events plansync cannot take', [(error as Error).message])
  } finally {
    scratch.destroy()
  }
  const current = new Map(
    readEvents(doc)
      .filter((event) => event.id.startsWith(prefix))
      .map((event) => [event.id, JSON.stringify(event)]),
  )
  const result: IcsImportResult = { created: 0, updated: 0, unchanged: 0, removed: 0 }
  doc.transact(() => {
    for (const event of events) {
      const id = idFor(prefix, event.uid)
      const before = current.get(id)
      if (before !== undefined && before === wanted.get(id)) {
        result.unchanged += 1
        continue
      }
      if (before === undefined) result.created += 1
      else result.updated += 1
      write(doc, event, prefix, options.author)
    }
    if (options.removeMissing) {
      for (const id of current.keys()) {
        if (wanted.has(id)) continue
        deleteEvent(doc, id, options.author)
        result.removed += 1
      }
    }
  })
  return result
}

/** The event id a plain import gives a UID: `ics-` and 128 bits of its SHA-256. */
export function idForUid(uid: string): string {
  return idFor('ics-', uid)
}

function idFor(prefix: string, uid: string): string {
  const hash = toBase64(digest(encodeUtf8(uid)).subarray(0, 16))
  return `${prefix}${hash.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`
}

function write(doc: Y.Doc, event: ImportedEvent, prefix: string, author?: Author): void {
  const id = idFor(prefix, event.uid)
  deleteEvent(doc, id)
  createEvent(
    doc,
    id,
    {
      title: event.title,
      allDay: event.allDay,
      start: event.start,
      end: event.end,
      timeZone: event.timeZone,
      rrule: event.rrule,
      location: event.location,
      description: event.description,
      status: event.status,
      reminders: [],
    },
    author,
  )
  for (const recurrenceId of event.exdates) {
    deleteOccurrence(doc, { eventId: id, recurrenceId }, 'this')
  }
  for (const { recurrenceId, fields } of event.overrides) {
    updateOccurrence(doc, { eventId: id, recurrenceId }, 'this', fields, () => {
      throw new Error('a changed occurrence never splits a series')
    })
  }
}
