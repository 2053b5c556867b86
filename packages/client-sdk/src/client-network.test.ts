// The client's connections against a fake server and auth API: it retries
// at once when the browser says the network is back or the tab becomes
// visible (not while hidden), drops sockets when the browser says the
// network is gone, asks its token getter before every connect without ever
// reusing a refused, nearly expired, viewer's or earlier session's token,
// and leaks no socket across many open/close cycles of several docs.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createClient, type PlansyncClient } from './client.ts'
import type { LiveHandle } from './live-handle.ts'
import { createMemoryStore } from './storage/memory-store.ts'
import type { BackoffOptions } from './sync/backoff.ts'
import { ann, createFakeAuth, type FakeAuth } from './testing/fake-auth.ts'
import { createFakeSyncServer, type FakeSyncServer } from './testing/fake-sync-server.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(5)
  if (!condition()) throw new Error(`timed out waiting for ${what}`)
}

const synced = (handle: LiveHandle) => handle.status.state === 'synced'

function clientOn(server: FakeSyncServer, auth: FakeAuth, backoff: BackoffOptions): PlansyncClient {
  return createClient({
    url: 'http://app.test',
    fetch: auth.fetch,
    store: createMemoryStore(),
    session: 'session-0',
    user: ann,
    WebSocket: server.WebSocket,
    backoff,
  })
}

/** The token in the URL of the newest socket. */
const lastToken = (server: FakeSyncServer) => server.sockets.at(-1)?.url.searchParams.get('token')

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('client connections', () => {
  it('reconnects at once on online and when the tab becomes visible, drops at once on offline', async () => {
    // The browser's window and document, as the client finds them on globalThis.
    const win = new EventTarget()
    const page = Object.assign(new EventTarget(), { visibilityState: 'visible' })
    vi.stubGlobal('addEventListener', win.addEventListener.bind(win))
    vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win))
    vi.stubGlobal('document', page)
    const server = createFakeSyncServer()
    // A minute of backoff: only an immediate retry reconnects within the test.
    const client = clientOn(server, createFakeAuth(), { initialMs: 60_000, maxMs: 60_000 })
    const calendar = await client.openCalendar('c1')
    await until(() => synced(calendar), 'synced')

    // The browser says the network is gone: offline now, not when a dead socket times out.
    server.offline = true
    win.dispatchEvent(new Event('offline'))
    expect(calendar.status.state).toBe('offline')
    expect(server.openSockets()).toEqual([])
    const before = server.sockets.length
    await sleep(30)
    expect(server.sockets.length).toBe(before)

    server.offline = false
    win.dispatchEvent(new Event('online'))
    await until(() => synced(calendar), 'back after online')

    // A connection lost while the tab is hidden waits; showing the tab retries at once.
    server.openSockets()[0]?.drop(1006)
    expect(calendar.status.state).toBe('offline')
    page.visibilityState = 'hidden'
    page.dispatchEvent(new Event('visibilitychange'))
    await sleep(30)
    expect(calendar.status.state).toBe('offline')
    page.visibilityState = 'visible'
    page.dispatchEvent(new Event('visibilitychange'))
    await until(() => synced(calendar), 'back when visible')

    // Closed, the client no longer listens.
    await client.close()
    const count = server.sockets.length
    win.dispatchEvent(new Event('online'))
    page.dispatchEvent(new Event('visibilitychange'))
    await sleep(30)
    expect(server.sockets.length).toBe(count)
  })

  it('asks for a token before every connect and reuses one only while it is safe to', async () => {
    const server = createFakeSyncServer()
    const auth = createFakeAuth()
    const client = clientOn(server, auth, { initialMs: 5, maxMs: 5 })
    const calendar = await client.openCalendar('c1')
    await until(() => synced(calendar), 'synced')
    expect(lastToken(server)).toBe('t1')

    // A dropped connection reconnects with the same token: it has minutes left.
    server.openSockets()[0]?.drop(1006)
    await until(() => server.sockets.length === 2 && synced(calendar), 'reconnected')
    expect(lastToken(server)).toBe('t1')
    expect(auth.tokens()).toBe(1)

    // The server refuses it (revoked, or the clocks disagree): never handed out again.
    server.refuse = (url) => (url.searchParams.get('token') === 't1' ? 4401 : null)
    server.openSockets()[0]?.drop(1006)
    await until(() => lastToken(server) === 't2' && synced(calendar), 'fresh token after refusal')
    server.refuse = null

    // A token with less than a minute left is not reused.
    auth.ttlSeconds = 50
    server.refuse = (url) => (url.searchParams.get('token') === 't2' ? 4401 : null)
    server.openSockets()[0]?.drop(1006)
    await until(() => lastToken(server) === 't3' && synced(calendar), 't3')
    server.refuse = null
    server.openSockets()[0]?.drop(1006)
    await until(() => lastToken(server) === 't4' && synced(calendar), 't4')

    // A viewer's token is never reused: a promotion shows on the next connect.
    auth.ttlSeconds = 300
    auth.role = 'viewer'
    server.openSockets()[0]?.drop(1006)
    await until(() => lastToken(server) === 't5' && synced(calendar), 't5')
    server.openSockets()[0]?.drop(1006)
    await until(() => lastToken(server) === 't6' && synced(calendar), 't6')
    auth.role = 'editor'
    server.openSockets()[0]?.drop(1006)
    await until(() => lastToken(server) === 't7' && synced(calendar), 't7')
    const sockets = server.sockets.length
    server.openSockets()[0]?.drop(1006)
    await until(() => server.sockets.length > sockets && synced(calendar), 'reconnected')
    expect(lastToken(server)).toBe('t7')

    // A sign-in forgets the tokens of the session before.
    await client.login({ username: 'ann', password: 'a long password' })
    server.openSockets()[0]?.drop(1006)
    await until(() => lastToken(server) === 't8' && synced(calendar), 't8 after login')
    expect(auth.calls.filter((call) => call.path === '/sync-tokens').at(-1)?.authorization).toBe(
      'Bearer session-7',
    )
    await client.close()
  })

  it('leaks no socket across many open/close cycles of several docs', async () => {
    const server = createFakeSyncServer()
    const auth = createFakeAuth()
    // A viewer's tokens are never reused: every connect waits for one.
    auth.role = 'viewer'
    const client = clientOn(server, auth, { initialMs: 5, maxMs: 20 })
    const names = ['a', 'b', 'c']
    for (let round = 0; round < 30; round++) {
      // round % 3 === 2: closed while the first token is still on its way.
      auth.delayMs = round % 3 === 2 ? 15 : 0
      const handles: LiveHandle[] = await Promise.all(names.map((id) => client.openCalendar(id)))
      // The same doc opened twice shares one connection.
      handles.push(await client.openCalendar('a'))
      if (round % 3 === 0) {
        await until(() => handles.every(synced), 'all synced')
        expect(
          server
            .openSockets()
            .map((socket) => socket.docName)
            .sort(),
        ).toEqual(['calendar:a', 'calendar:b', 'calendar:c'])
      } else if (round % 3 === 1) {
        // A reconnect under way when the docs close.
        await until(() => handles.every(synced), 'all synced')
        for (const socket of server.openSockets()) socket.drop(1006)
      }
      await Promise.all(handles.map((handle) => handle.close()))
      expect(server.openSockets()).toEqual([])
    }
    // Nothing opens late (a retry timer or a token that arrives after close).
    await sleep(60)
    expect(server.openSockets()).toEqual([])
    expect(server.sockets.length).toBeLessThanOrEqual(30 * names.length)
    await client.close()
  })
})
