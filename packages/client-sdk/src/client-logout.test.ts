// client.logout(): the server hears it with the session, every doc closes
// (no socket left), the local store is empty (updates and confirmed records)
// and the session and user are gone; without a network the local part still
// happens and the caller hears that the server did not; with IndexedDB it
// finishes while another tab has the database open.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createClient } from './client.ts'
import { createIndexedDbStore } from './storage/indexeddb-store.ts'
import { createMemoryStore } from './storage/memory-store.ts'
import type { LocalStore } from './storage/types.ts'
import { ann, createFakeAuth, type FakeAuth } from './testing/fake-auth.ts'
import { createFakeSyncServer, type FakeSyncServer } from './testing/fake-sync-server.ts'

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!condition()) throw new Error(`timed out waiting for ${what}`)
}

function signedInClient(server: FakeSyncServer, auth: FakeAuth, store: LocalStore) {
  return createClient({
    url: 'http://app.test',
    fetch: auth.fetch,
    store,
    session: 'session-ann',
    user: ann,
    WebSocket: server.WebSocket,
    retryOnOnline: false,
  })
}

const picnic = { title: 'Picnic', start: '2026-06-06T12:00', end: '2026-06-06T15:00' }

describe('client.logout()', () => {
  it('ends the session, closes every doc and clears the local store', async () => {
    const server = createFakeSyncServer()
    const auth = createFakeAuth()
    const store = createMemoryStore()
    const client = signedInClient(server, auth, store)
    const calendar = await client.openCalendar('c1')
    const event = await client.openEvent('e1')
    calendar.createEvent(picnic)
    event.addTask({ title: 'Blanket' })
    await until(
      () => [calendar, event].every((h) => h.status.state === 'synced' && !h.status.pending),
      'saved',
    )
    await until(() => server.openSockets().length === 2, 'two connections')
    expect(await store.load('calendar:c1')).not.toEqual([])

    await client.logout()
    expect(auth.calls).toContainEqual({
      method: 'POST',
      path: '/logout',
      authorization: 'Bearer session-ann',
    })
    expect(client.session).toBeNull()
    expect(client.user).toBeNull()
    expect(calendar.doc.isDestroyed).toBe(true)
    expect(event.doc.isDestroyed).toBe(true)
    expect(server.openSockets()).toEqual([])
    expect(client.status()).toEqual({ state: 'offline', pending: 0, lastConfirmedAt: null })
    expect(client.hasUnsavedChanges()).toBe(false)
    for (const name of ['calendar:c1', 'event:e1']) {
      expect(await store.load(name)).toEqual([])
      expect(await store.loadConfirmed(name)).toBeNull()
    }
    // Signed out: a per-user doc needs a sign-in again.
    await expect(client.openPrefs()).rejects.toMatchObject({ status: 401 })
    await client.close()
  })

  it('waits for a doc that was closing, so none of its writes lands after the clear', async () => {
    const server = createFakeSyncServer()
    const memory = createMemoryStore()
    // A slow disk: every write takes a while.
    const slow =
      <A extends unknown[]>(write: (...args: A) => Promise<void>) =>
      async (...args: A) => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        await write(...args)
      }
    const store: LocalStore = {
      ...memory,
      append: slow(memory.append),
      saveConfirmed: slow(memory.saveConfirmed),
    }
    const client = signedInClient(server, createFakeAuth(), store)
    const calendar = await client.openCalendar('c1')
    calendar.createEvent(picnic)
    const closed = calendar.close() // a page leaves just before the user signs out
    await client.logout()
    await closed
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(await store.load('calendar:c1')).toEqual([])
    await client.close()
  })

  it('clears local data without a network, and says the server did not hear it', async () => {
    const server = createFakeSyncServer()
    const auth = createFakeAuth()
    const store = createMemoryStore()
    const client = signedInClient(server, auth, store)
    const calendar = await client.openCalendar('c1')
    server.offline = true
    auth.unreachable = true
    calendar.createEvent(picnic)
    await expect(client.logout()).rejects.toThrow(/no network/)
    expect(client.session).toBeNull()
    expect(calendar.doc.isDestroyed).toBe(true)
    expect(await store.load('calendar:c1')).toEqual([])
    await client.close()
  })

  it('finishes with IndexedDB while another tab holds the database open', async () => {
    const server = createFakeSyncServer()
    const name = `logout-${Math.random()}`
    const client = signedInClient(server, createFakeAuth(), createIndexedDbStore({ name }))
    const otherTab = createIndexedDbStore({ name })
    const calendar = await client.openCalendar('c1')
    calendar.createEvent(picnic)
    await until(() => calendar.status.pending === 0, 'saved')
    expect(await otherTab.load('calendar:c1')).not.toEqual([])

    const started = performance.now()
    await client.logout()
    expect(performance.now() - started).toBeLessThan(1_000)
    expect(await otherTab.load('calendar:c1')).toEqual([])
    await otherTab.close()
    await client.close()
  })
})
