// Handles over docs a newer schema wrote open read-only: reads work, writes
// throw, and edits around the typed API (notes bound to an editor, raw doc
// writes) are taken back. Migrations wait until the replica holds the
// server's state, so a fresh replica never writes a version of its own
// into a doc a newer client already migrated.
import { initialMigration, type Migration, migrateDoc, schemaVersionOf } from '@plansync/schema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CalendarHandle } from './calendar-handle.ts'
import { DocHandle } from './doc-handle.ts'
import { EventHandle } from './event-handle.ts'
import { createMemoryStore } from './storage/memory-store.ts'
import type { LocalStore } from './storage/types.ts'
import { createFakeSyncServer, type FakeSyncServer } from './testing/fake-sync-server.ts'

function offlineHandle(name: string): DocHandle {
  // No server: the token getter refuses, so the handle stays local.
  const denied = Object.assign(new Error('offline test'), { authDenied: true })
  return new DocHandle(
    name,
    createMemoryStore(),
    { url: 'ws://127.0.0.1:9/sync', getToken: () => Promise.reject(denied) },
    () => {},
  )
}

function onlineHandle(
  server: FakeSyncServer,
  name: string,
  store: LocalStore = createMemoryStore(),
) {
  return new DocHandle(
    name,
    store,
    {
      url: 'ws://fake/sync',
      getToken: async () => ({ token: 't', role: 'editor' as const }),
      WebSocket: server.WebSocket,
    },
    () => {},
  )
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!condition()) throw new Error(`timed out waiting for ${what}`)
}

/** What a client of schema version 2 (one this SDK does not know) does to a doc. */
const toVersion2: Migration = { to: 2, run: (doc) => doc.getMap('meta').set('layout', 'v2') }

describe('handles over newer docs', () => {
  it('opens a calendar and an event written by a newer schema read-only', async () => {
    const calendarDoc = offlineHandle('calendar:new')
    await calendarDoc.open()
    calendarDoc.doc.getMap('meta').set('schemaVersion', 99)
    const calendar = new CalendarHandle('new', calendarDoc)
    expect(calendar.access).toBe('read-only')
    expect(calendar.events()).toEqual([])
    expect(() =>
      calendar.createEvent({ title: 'x', start: '2026-01-01T10:00', end: '2026-01-01T11:00' }),
    ).toThrow(/newer version/)
    expect(calendar.doc.getMap('events').size).toBe(0)

    const eventDoc = offlineHandle('event:new')
    await eventDoc.open()
    eventDoc.doc.getMap('meta').set('schemaVersion', 99)
    const event = new EventHandle('new', eventDoc, 'ann')
    expect(event.access).toBe('read-only')
    expect(() => event.addTask({ title: 'x' })).toThrow(/newer version/)
    expect(event.tasks()).toEqual([])
    await calendar.close()
    await event.close()
  })

  it('says what changed: event ids in a calendar, parts of an event', async () => {
    const calendarDoc = offlineHandle('calendar:what')
    await calendarDoc.open()
    const calendar = new CalendarHandle('what', calendarDoc)
    const seen: string[][] = []
    calendar.on('change', (origin, what) => seen.push([origin, ...what]))
    const id = calendar.createEvent({
      title: 'a',
      start: '2026-01-01T10:00',
      end: '2026-01-01T11:00',
    })
    calendar.updateEvent(id, { title: 'b' })
    calendar.doc.getMap('meta').set('name', 'Home')
    expect(seen).toEqual([
      ['local', id],
      ['local', id],
      ['local', 'meta'],
    ])

    const eventDoc = offlineHandle('event:what')
    await eventDoc.open()
    const event = new EventHandle('what', eventDoc, 'ann')
    const parts: string[][] = []
    event.on('change', (_origin, what) => parts.push(what))
    event.addTask({ title: 'Tent' })
    event.notes.insert(0, 'hi')
    event.rsvp('yes')
    expect(parts).toEqual([['tasks'], ['notes'], ['participants']])
    await calendar.close()
    await event.close()
  })

  it('migrates once the replica holds the server state: after the first sync, or after one as soon as a token grants writing', async () => {
    const server = createFakeSyncServer()
    const store = createMemoryStore()
    server.offline = true
    const handle = onlineHandle(server, 'calendar:cur', store)
    await handle.open()
    const calendar = new CalendarHandle('cur', handle)
    // Never synced: nothing is known of the server's doc, so nothing is recorded.
    expect(calendar.access).toBe('read-write')
    expect(schemaVersionOf(calendar.doc)).toBe(0)
    expect(calendar.status.pending).toBe(0)
    server.offline = false
    handle.sync.retryNow()
    await until(() => calendar.status.state === 'synced', 'synced')
    expect(schemaVersionOf(calendar.doc)).toBe(1)
    await until(() => calendar.status.pending === 0, 'version saved')
    expect(schemaVersionOf(server.doc('calendar:cur'))).toBe(1)
    await calendar.close()

    // A replica synced in an earlier session migrates at open, before it can sync, once a
    // token grants writing (viewer-handles.test.ts: not without one).
    server.doc('calendar:cur').getMap('schemaVersions').delete('1')
    server.doc('calendar:cur').getMap('meta').delete('schemaVersion')
    const again = onlineHandle(server, 'calendar:cur', createMemoryStore())
    await again.open()
    await until(() => again.status.state === 'synced' && again.status.pending === 0, 'saved')
    await again.close()
    server.offline = true
    const offline = onlineHandle(server, 'calendar:cur', store)
    await offline.open()
    const reopened = new CalendarHandle('cur', offline)
    await until(() => reopened.role === 'editor', 'a token')
    expect(reopened.status.state).not.toBe('synced')
    expect(reopened.doc.getMap('schemaVersions').has('1')).toBe(true)
    await reopened.close()
  })

  it('a fresh replica of a doc a newer client migrated writes nothing and opens read-only', async () => {
    for (const newerClientId of [1, 2 ** 31]) {
      const server = createFakeSyncServer()
      const newer = server.doc('calendar:newer')
      newer.clientID = newerClientId
      migrateDoc(newer, [initialMigration, toVersion2], 2)
      const before = Y.encodeStateVector(newer)
      const handle = onlineHandle(server, 'calendar:newer')
      await handle.open()
      const calendar = new CalendarHandle('newer', handle)
      // Nothing written before the sync: no version of this client's own.
      expect(calendar.status.pending).toBe(0)
      await until(() => calendar.status.state === 'synced', 'synced')
      expect(calendar.access).toBe('read-only')
      expect(schemaVersionOf(calendar.doc)).toBe(2)
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(Y.encodeStateVector(newer)).toEqual(before)
      expect(calendar.status.pending).toBe(0)
      await calendar.close()
    }
  })

  it('takes back edits of a newer doc made around the typed API: notes, raw writes, undo', async () => {
    const server = createFakeSyncServer()
    const newer = server.doc('event:newer')
    newer.getText('notes').insert(0, 'Bring the tent')
    newer.getMap('tasks').set('t1', new Y.Map([['title', 'Tent']]))
    migrateDoc(newer, [initialMigration, toVersion2], 2)
    const handle = onlineHandle(server, 'event:newer')
    await handle.open()
    const event = new EventHandle('newer', handle, 'ann')
    await until(() => event.status.state === 'synced', 'synced')
    expect(event.access).toBe('read-only')

    event.notes.insert(0, 'x')
    event.notes.delete(0, 5)
    event.notes.format(0, 4, { bold: true })
    // An editor binding writes with its own origin.
    const binding = { name: 'y-prosemirror' }
    event.doc.transact(() => event.notes.insert(14, ' and pegs'), binding)
    event.doc.getMap('tasks').delete('t1')
    expect(event.notes.toString()).toBe('Bring the tent')
    expect(event.notes.toDelta()).toEqual([{ insert: 'Bring the tent' }])
    expect(event.doc.getMap('tasks').has('t1')).toBe(true)
    expect(() => event.undo()).toThrow(/newer version/)
    expect(() => event.redo()).toThrow(/newer version/)

    // What reached the server reads as before too.
    await until(() => event.status.pending === 0, 'saved')
    expect(newer.getText('notes').toString()).toBe('Bring the tent')
    expect(newer.getMap('tasks').has('t1')).toBe(true)
    await event.close()
  })
})
