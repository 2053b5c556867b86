// @vitest-environment happy-dom
// The React hooks against a real SDK client working offline on a memory
// store: live re-renders on edits, stable snapshots (no render loops),
// handles closed on unmount and on id change, StrictMode, error results.
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { createElement, StrictMode } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import type { CalendarHandle } from '../calendar-handle.ts'
import { createClient, type PlansyncClient } from '../client.ts'
import { createMemoryStore } from '../storage/memory-store.ts'
import { PlansyncProvider } from './provider.ts'
import { useCalendar, useInbox } from './use-handles.ts'
import { useOccurrences, usePresence, useSyncStatus } from './use-reads.ts'

const RANGE = [new Date('2026-06-01T00:00:00Z'), new Date('2026-07-01T00:00:00Z')] as const

/** A client with no network at all: everything runs on the local replica. */
function offlineClient() {
  const client = createClient({
    url: 'http://127.0.0.1:9',
    fetch: () => Promise.reject(new TypeError('offline (test)')),
    store: createMemoryStore(),
    backoff: { initialMs: 60_000, maxMs: 60_000 },
    retryOnOnline: false,
  })
  const opened: CalendarHandle[] = []
  const closed = new Set<CalendarHandle>()
  const openCalendar = client.openCalendar.bind(client)
  client.openCalendar = async (id) => {
    const handle = await openCalendar(id)
    opened.push(handle)
    const close = handle.close.bind(handle)
    handle.close = async () => {
      closed.add(handle)
      await close()
    }
    return handle
  }
  return { client, opened, closed }
}

function withClient(
  client: PlansyncClient,
  child: ReturnType<typeof createElement>,
  strict = false,
) {
  const tree = createElement(PlansyncProvider, { client }, child)
  return strict ? createElement(StrictMode, null, tree) : tree
}

let renders = 0
let latest: CalendarHandle | null = null
let latestPeers: unknown = null

function Agenda(props: { id: string }) {
  renders += 1
  const { handle } = useCalendar(props.id)
  latest = handle
  const occurrences = useOccurrences(handle, RANGE[0], RANGE[1])
  const status = useSyncStatus(handle)
  latestPeers = usePresence(handle)
  if (!handle) return createElement('p', null, 'opening')
  return createElement(
    'div',
    null,
    createElement('p', { 'data-testid': 'id' }, handle.id),
    createElement('p', { 'data-testid': 'count' }, `${occurrences.length} occurrences`),
    createElement('p', { 'data-testid': 'status' }, status?.state ?? 'none'),
    ...occurrences.map((o) => createElement('p', { key: `${o.eventId}${o.start}` }, o.title)),
  )
}

function Inbox() {
  const { handle, error } = useInbox()
  return createElement('p', null, error ? `error: ${error.name}` : handle ? 'open' : 'opening')
}

describe('React hooks', () => {
  const clients: PlansyncClient[] = []
  afterEach(async () => {
    cleanup()
    for (const client of clients.splice(0)) await client.close()
    renders = 0
    latest = null
  })

  it('re-renders on edits with stable snapshots in between, and closes the handle on unmount', async () => {
    const { client, opened, closed } = offlineClient()
    clients.push(client)
    const view = render(withClient(client, createElement(Agenda, { id: 'family' })))
    await screen.findByText('0 occurrences')
    const settled = renders
    const peersBefore = latestPeers
    act(() => {
      latest?.createEvent({
        title: 'Picnic',
        start: '2026-06-06T12:00',
        end: '2026-06-06T15:00',
        timeZone: 'Europe/Berlin',
        rrule: 'FREQ=WEEKLY;COUNT=3',
      })
    })
    await screen.findByText('3 occurrences')
    expect(screen.getAllByText('Picnic')).toHaveLength(3)
    // One edit, a few renders: snapshots are cached, not re-read into new arrays each time.
    expect(renders - settled).toBeLessThanOrEqual(3)
    // Nobody joined: the same peers array, so components using it do not re-render.
    expect(latestPeers).toBe(peersBefore)
    expect(screen.queryByText('offline') ?? screen.queryByText('connecting')).not.toBeNull()
    view.unmount()
    await waitFor(() => expect(closed.size).toBe(opened.length))
    expect(opened).toHaveLength(1)
  })

  it('under StrictMode closes every handle it opened, and shows only the current id', async () => {
    const { client, opened, closed } = offlineClient()
    clients.push(client)
    const view = render(withClient(client, createElement(Agenda, { id: 'family' }), true))
    await screen.findByText('0 occurrences')
    view.rerender(withClient(client, createElement(Agenda, { id: 'work' }), true))
    await screen.findByText('work')
    expect(screen.queryByText('family')).toBeNull()
    // Everything but the handle on screen is closed already.
    await waitFor(() => expect(closed.size).toBe(opened.length - 1))
    expect(opened.at(-1)?.id).toBe('work')
    view.unmount()
    await waitFor(() => expect(closed.size).toBe(opened.length))
  })

  it('returns an error instead of throwing when a handle cannot open', async () => {
    const { client } = offlineClient()
    clients.push(client)
    render(withClient(client, createElement(Inbox)))
    // Not signed in, and no server to ask who we are.
    await screen.findByText(/^error: /, {}, { timeout: 20_000 })
  })
})
