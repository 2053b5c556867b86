// The client without any network: a kept user opens per-user docs offline,
// and the combined status follows the docs that are open.
import { describe, expect, it } from 'vitest'
import { createClient } from './client.ts'
import { createMemoryStore } from './storage/memory-store.ts'
import type { SyncStatus } from './sync/status.ts'

const offline = () => Promise.reject(new TypeError('offline (test)'))
const ann = { id: 'u-ann', username: 'ann', displayName: 'Ann', email: null }

function offlineClient(user: typeof ann | null) {
  return createClient({
    url: 'http://127.0.0.1:9',
    fetch: offline,
    store: createMemoryStore(),
    session: 'kept-session',
    user,
    backoff: { initialMs: 60_000, maxMs: 60_000 },
    retryOnOnline: false,
  })
}

describe('createClient offline', () => {
  it('opens events, prefs and the inbox with a kept user and no server', async () => {
    const client = offlineClient(ann)
    expect(client.user).toEqual(ann)
    const event = await client.openEvent('picnic')
    event.addTask({ title: 'Bring a blanket' })
    event.rsvp('yes')
    expect(event.participants().map((p) => p.userId)).toEqual(['u-ann'])
    const prefs = await client.openPrefs()
    prefs.setReminders('picnic', [30])
    expect(prefs.reminders('picnic')).toEqual([30])
    await client.openInbox()
    await client.close()
  })

  it('without a kept user, a per-user doc needs the server to say who is signed in', async () => {
    const client = offlineClient(null)
    await expect(client.openPrefs()).rejects.toThrow()
    await client.close()
  })

  it('combines the status of open docs and tells listeners when it moves', async () => {
    const client = offlineClient(ann)
    const seen: SyncStatus[] = []
    client.onStatus((status) => seen.push(status))
    expect(client.status()).toEqual({ state: 'offline', pending: 0, lastConfirmedAt: null })
    const calendar = await client.openCalendar('family')
    // The token request fails (no network) a few ticks after the open.
    for (let i = 0; i < 100 && calendar.status.state !== 'offline'; i++) await Promise.resolve()
    calendar.createEvent({ title: 'Picnic', start: '2026-06-06T12:00', end: '2026-06-06T15:00' })
    // The event (the schema version waits for the first sync).
    expect(calendar.status.pending).toBe(1)
    expect(client.status()).toEqual({ state: 'offline', pending: 1, lastConfirmedAt: null })
    expect(client.hasUnsavedChanges()).toBe(true)
    expect(seen.at(-1)?.pending).toBe(1)
    await calendar.close()
    expect(client.status().pending).toBe(0)
    await client.close()
  })
})

describe('a doc opened again while its last handle closes', () => {
  it('gets a fresh handle that keeps its edits and sees the closed one’s', async () => {
    const store = createMemoryStore()
    const client = createClient({
      url: 'http://127.0.0.1:9',
      fetch: offline,
      store,
      session: 'kept-session',
      user: ann,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      retryOnOnline: false,
    })
    const first = await client.openPrefs()
    first.setNotifications({ email: true })
    // A page leaves (closes) as the next one opens the same doc.
    const closed = first.close()
    const second = await client.openPrefs()
    await closed
    expect(second.notifications().email).toBe(true)
    second.setNotifications({ webhook: true })
    await second.close()
    const third = await client.openPrefs()
    expect(third.notifications()).toMatchObject({ email: true, webhook: true })
    await client.close()
  })
})
