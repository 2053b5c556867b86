// Imports an .ics file into a calendar doc in one transaction, all or
// nothing: every event is first built on a scratch doc, so a file with one
// event plansync cannot take (an unknown rule, an overlong title) changes
// nothing. An event's id comes from its UID, so importing the same file
// again (or a newer export) replaces those events instead of duplicating
// them. Reminders start muted: alarms are not imported.

import { toBase64 } from 'lib0/buffer'
import { digest } from 'lib0/hash/sha256'
import { encodeUtf8 } from 'lib0/string'
import * as Y from 'yjs'
import { createEvent, deleteEvent } from '../calendar-doc.ts'
import { deleteOccurrence, updateOccurrence } from '../series.ts'
import { IcsImportError, type ImportedEvent, type ParseOptions, parseIcs } from './parse-ics.ts'

export interface IcsImportResult {
  created: number
  /** Events imported before (same UID) and replaced. */
  updated: number
}

export function importIcs(doc: Y.Doc, text: string, options: ParseOptions): IcsImportResult {
  const events = parseIcs(text, options)
  const scratch = new Y.Doc()
  try {
    for (const event of events) write(scratch, event)
  } catch (error) {
    throw new IcsImportError('the file has events plansync cannot take', [(error as Error).message])
  } finally {
    scratch.destroy()
  }
  let created = 0
  let updated = 0
  doc.transact(() => {
    for (const event of events) {
      if (doc.getMap('events').has(idForUid(event.uid))) updated += 1
      else created += 1
      write(doc, event)
    }
  })
  return { created, updated }
}

/** A stable event id for an iCalendar UID: `ics-` and 128 bits of its SHA-256. */
export function idForUid(uid: string): string {
  const hash = toBase64(digest(encodeUtf8(uid)).subarray(0, 16))
  return `ics-${hash.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`
}

function write(doc: Y.Doc, event: ImportedEvent): void {
  const id = idForUid(event.uid)
  deleteEvent(doc, id)
  createEvent(doc, id, {
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
  })
  for (const recurrenceId of event.exdates) {
    deleteOccurrence(doc, { eventId: id, recurrenceId }, 'this')
  }
  for (const { recurrenceId, fields } of event.overrides) {
    updateOccurrence(doc, { eventId: id, recurrenceId }, 'this', fields, () => {
      throw new Error('a changed occurrence never splits a series')
    })
  }
}
