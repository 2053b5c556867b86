// A viewer's handles: the server drops a viewer's updates and never
// acknowledges them, so nothing may be written. Opening a doc with no schema
// version writes no migration (nothing stays pending, the app has no
// unsaved changes), typed writes are refused with a SchemaError naming the
// role, edits around the typed API are taken back without being sent, and
// a viewer promoted to editor migrates and writes on the next connection.
import { schemaVersionOf } from '@plansync/schema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CalendarHandle } from './calendar-handle.ts'
import { createClient } from './client.ts'
import { DocHandle, type SyncGrant } from './doc-handle.ts'
import { EventHandle } from './event-handle.ts'
import { createMemoryStore } from './storage/memory-store.ts'
import type { LocalStore } from './storage/types.ts'
import { ann, createFakeAuth } from './testing/fake-auth.ts'
import { createFakeSyncServer, type FakeSyncServer } from './testing/fake-sync-server.ts'

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!condition()) throw new Error(`timed out waiting for ${what}`)
}

/** A handle whose token getter grants what `grant()` says; the fake server drops viewers' updates. */
function handleOn(
  server: FakeSyncServer,
  name: string,
  grant: () => Promise<SyncGrant>,
  store: LocalStore = createMemoryStore(),
): DocHandle {
  return new DocHandle(
    name,
    store,
    {
      url: 'ws://fake/sync',
      getToken: grant,
      WebSocket: server.WebSocket,
      backoff: { initialMs: 5, maxMs: 5 },
    },
    () => {},
  )
}

const viewerServer = () => {
  const server = createFakeSyncServer()
  server.readOnly = (url) => url.searchParams.get('token') === 'viewer'
  return server
}
const asViewer = async (): Promise<SyncGrant> => ({ token: 'viewer', role: 'viewer' })
const asEditor = async (): Promise<SyncGrant> => ({ token: 'editor', role: 'editor' })

describe('a viewer’s handles', () => {
  it('write no migration into a doc without a version, and refuse typed writes', async () => {
    const server = viewerServer()
    server.doc('event:picnic').getText('notes').insert(0, 'Bring the tent')
    const before = Y.encodeStateVector(server.doc('event:picnic'))
    const handle = handleOn(server, 'event:picnic', asViewer)
    await handle.open()
    const event = new EventHandle('picnic', handle, 'u-cat')
    await until(() => event.status.state === 'synced', 'synced')
    const dropped = server.dropped
    expect(event.role).toBe('viewer')
    expect(event.access).toBe('read-only')
    expect(schemaVersionOf(event.doc)).toBe(0)
    expect(event.status.pending).toBe(0)

    for (const write of [
      () => event.addTask({ title: 'Chairs' }),
      () => event.rsvp('yes'),
      () => event.comment('hi'),
      () => event.setCapacity(4),
      () => event.undo(),
    ]) {
      expect(write).toThrow(
        expect.objectContaining({ name: 'SchemaError', message: expect.stringMatching(/viewer/) }),
      )
    }
    // Around the typed API (an editor bound to the notes, raw writes): taken back, not sent.
    event.notes.insert(0, 'x')
    event.doc.transact(() => event.doc.getMap('tasks').set('t1', new Y.Map()), { name: 'editor' })
    expect(event.notes.toString()).toBe('Bring the tent')
    expect(event.doc.getMap('tasks').size).toBe(0)
    expect(event.status.pending).toBe(0)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(server.dropped).toBe(dropped)
    expect(Y.encodeStateVector(server.doc('event:picnic'))).toEqual(before)
    expect(event.status.pending).toBe(0)
    await event.close()
  })

  it('leave the client with no unsaved changes (a fake auth API grants the viewer role)', async () => {
    const server = createFakeSyncServer()
    const auth = createFakeAuth()
    auth.role = 'viewer'
    // Every token the fake auth API hands out here is a viewer's.
    server.readOnly = () => true
    const client = createClient({
      url: 'http://app.test',
      fetch: auth.fetch,
      store: createMemoryStore(),
      session: 'session-0',
      user: ann,
      WebSocket: server.WebSocket,
      retryOnOnline: false,
    })
    const calendar = await client.openCalendar('family')
    const event = await client.openEvent('picnic')
    await until(
      () => calendar.status.state === 'synced' && event.status.state === 'synced',
      'both synced',
    )
    expect(schemaVersionOf(calendar.doc)).toBe(0)
    expect(client.hasUnsavedChanges()).toBe(false)
    expect(client.status().pending).toBe(0)
    expect(() =>
      calendar.createEvent({ title: 'Picnic', start: '2026-06-06T12:00', end: '2026-06-06T15:00' }),
    ).toThrow(/you can view this calendar but not change it/)
    expect(() => calendar.importIcs('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n')).toThrow(/viewer/)
    expect(client.hasUnsavedChanges()).toBe(false)
    await client.close()
  })

  it('migrate and write once promoted (the next connection’s token says editor)', async () => {
    const server = viewerServer()
    let grant = asViewer
    const handle = handleOn(server, 'calendar:family', () => grant())
    await handle.open()
    const calendar = new CalendarHandle('family', handle, { userId: () => 'u-cat' })
    await until(() => calendar.status.state === 'synced', 'synced')
    expect(calendar.access).toBe('read-only')
    expect(schemaVersionOf(calendar.doc)).toBe(0)

    grant = asEditor
    server.openSockets()[0]?.drop(1006)
    await until(() => calendar.role === 'editor', 'the editor’s token')
    expect(calendar.access).toBe('read-write')
    await until(() => calendar.status.state === 'synced', 'synced again')
    expect(schemaVersionOf(calendar.doc)).toBe(1)
    calendar.createEvent({ title: 'Picnic', start: '2026-06-06T12:00', end: '2026-06-06T15:00' })
    await until(() => calendar.status.pending === 0, 'saved')
    expect(server.doc('calendar:family').getMap('events').size).toBe(1)
    expect(schemaVersionOf(server.doc('calendar:family'))).toBe(1)
    await calendar.close()
  })

  it('a replica synced before migrates when a token grants writing, not offline before one', async () => {
    // Synced in an earlier session as a viewer: the store holds the server's state, no version.
    const server = viewerServer()
    const store = createMemoryStore()
    const first = handleOn(server, 'calendar:family', asViewer, store)
    await first.open()
    await until(() => first.status.state === 'synced', 'synced as a viewer')
    await first.flushed()
    await first.close()

    // No network at all: no token, no role, so no migration (a viewer's would never be saved).
    server.offline = true
    const noNetwork = new TypeError('fetch failed (test: no network)')
    const offline = handleOn(server, 'calendar:family', () => Promise.reject(noNetwork), store)
    await offline.open()
    const unknown = new CalendarHandle('family', offline)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(unknown.role).toBeNull()
    expect(unknown.access).toBe('read-write')
    expect(schemaVersionOf(unknown.doc)).toBe(0)
    await unknown.close()

    // A token says editor (the sync socket still cannot connect): it migrates at once.
    const granted = handleOn(server, 'calendar:family', asEditor, store)
    await granted.open()
    const calendar = new CalendarHandle('family', granted)
    await until(() => calendar.role === 'editor', 'the editor’s token')
    expect(calendar.status.state).not.toBe('synced')
    expect(schemaVersionOf(calendar.doc)).toBe(1)
    await calendar.close()
  })
})
