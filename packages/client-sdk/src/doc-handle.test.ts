// A doc's unconfirmed edits survive a restart as pending: a replica the
// server confirmed reopens with nothing pending, one with edits (a deletion
// alone included) the server never confirmed reopens pending until the
// server acks them.
import { describe, expect, it } from 'vitest'
import { DocHandle } from './doc-handle.ts'
import { createMemoryStore } from './storage/memory-store.ts'
import type { LocalStore } from './storage/types.ts'
import { createFakeSyncServer, type FakeSyncServer } from './testing/fake-sync-server.ts'

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!condition()) throw new Error(`timed out waiting for ${what}`)
}

async function openHandle(server: FakeSyncServer, store: LocalStore, name = 'calendar:c1') {
  const handle = new DocHandle(
    name,
    store,
    {
      url: 'ws://fake/sync',
      getToken: async () => ({ token: 't', role: 'editor' as const }),
      WebSocket: server.WebSocket,
    },
    () => {},
  )
  await handle.open()
  return handle
}

const saved = (handle: DocHandle) => handle.status.state === 'synced' && handle.status.pending === 0

describe('pending edits across restarts', () => {
  it('reopens a confirmed replica with nothing pending, an unconfirmed one pending until acked', async () => {
    const server = createFakeSyncServer()
    const store = createMemoryStore()
    const first = await openHandle(server, store)
    first.doc.getMap('meta').set('name', 'Family')
    first.doc.getMap('meta').set('colour', '#00ff00')
    await until(() => saved(first), 'confirmed')
    await first.close()

    // Offline restart: everything was confirmed, so nothing is pending.
    server.offline = true
    const second = await openHandle(server, store)
    expect(second.doc.getMap('meta').get('name')).toBe('Family')
    expect(second.status.pending).toBe(0)

    // Offline, a deletion only (no new struct), then another restart.
    second.doc.getMap('meta').delete('colour')
    expect(second.status.pending).toBe(1)
    await second.close()
    const third = await openHandle(server, store)
    expect(third.doc.getMap('meta').has('colour')).toBe(false)
    expect(third.status.pending).toBe(1)

    // Back online: the step 2 carries the deletion; its ack clears it.
    server.offline = false
    third.sync.retryNow()
    await until(() => saved(third), 'restored edit confirmed')
    expect(server.doc('calendar:c1').getMap('meta').has('colour')).toBe(false)
    await third.close()
    const fourth = await openHandle(server, store)
    expect(fourth.status.pending).toBe(0)
    await fourth.close()
  })

  it('keeps counting edits whose ack never came, and records remote edits as confirmed', async () => {
    const server = createFakeSyncServer()
    const store = createMemoryStore()
    const mine = await openHandle(server, store)
    await until(() => saved(mine), 'synced')
    server.holdAcks = true
    mine.doc.getMap('meta').set('name', 'sent, never acked')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(server.doc('calendar:c1').getMap('meta').get('name')).toBe('sent, never acked')
    expect(mine.status.pending).toBe(1)
    await mine.close()
    server.holdAcks = false

    // Someone else's edit reaches a replica with nothing pending: it is the server's already.
    const other = createMemoryStore()
    const theirs = await openHandle(server, other)
    await until(() => saved(theirs), 'other synced')
    server.doc('calendar:c1').getMap('meta').set('colour', '#123456')
    await until(() => theirs.doc.getMap('meta').get('colour') === '#123456', 'relayed')
    await theirs.close()

    server.offline = true
    const mineAgain = await openHandle(server, store)
    const theirsAgain = await openHandle(server, other)
    expect(mineAgain.status.pending).toBe(1)
    expect(theirsAgain.status.pending).toBe(0)
    await mineAgain.close()
    await theirsAgain.close()
  })
})
