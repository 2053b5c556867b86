// Presence and handle sharing through the real server: each client sees the
// others with the user id the server stamped from their token, and what
// they are editing; opening one doc twice shares one connection, which
// stays up until the last handle closes.
import { createClient, createMemoryStore, type PlansyncClient } from '@plansync/client-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  embeddedMain,
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

describe('SDK presence and shared handles', () => {
  let server: SyncProcess
  const clients: PlansyncClient[] = []
  beforeAll(async () => {
    server = await startSyncProcess({ main: embeddedMain })
  })
  afterAll(async () => {
    for (const client of clients) await client.close()
    await stopSyncProcess(server)
    await removeDataDir(server)
  })

  it('shows who is there with server-stamped identities, and shares one connection per doc', async () => {
    const ann = createClient({ url: server.url, store: createMemoryStore() })
    const bob = createClient({ url: server.url, store: createMemoryStore() })
    clients.push(ann, bob)
    const annUser = await ann.register({
      username: 'presence-ann',
      password: 'a long password for ann',
    })
    const bobUser = await bob.register({
      username: 'presence-bob',
      password: 'a long password for bob',
    })
    const { calendar } = await ann.api.createCalendar({ name: 'Team' })
    const { link } = await ann.api.invite(calendar.id, { username: 'presence-bob', role: 'viewer' })
    await bob.api.acceptInvite(link.split('/invite/')[1] as string)

    const annCal = await ann.openCalendar(calendar.id)
    const bobCal = await bob.openCalendar(calendar.id)
    annCal.presence.setUser({ name: 'Ann', colour: '#ff8800' })
    annCal.presence.setActivity({ editing: 'picnic' })
    // Bob first claims Ann's id: the server drops that state as forged.
    const namesSeenByAnn = new Set<string | null>()
    annCal.presence.onChange(() => {
      for (const peer of annCal.presence.peers()) namesSeenByAnn.add(peer.name)
    })
    await waitFor(
      () => bobCal.status.state === 'synced' && annCal.status.state === 'synced',
      'both synced',
    )
    bobCal.presence.awareness.setLocalStateField('user', { id: annUser.id, name: 'Not Ann' })
    await new Promise((resolve) => setTimeout(resolve, 200))
    bobCal.presence.setUser({ name: 'Bob' })
    await waitFor(() => bobCal.presence.peers().some((p) => p.name === 'Ann'), 'ann visible to bob')
    expect(bobCal.presence.peers()).toEqual([
      expect.objectContaining({
        userId: annUser.id,
        name: 'Ann',
        colour: '#ff8800',
        activity: { editing: 'picnic' },
      }),
    ])
    await waitFor(() => annCal.presence.peers().some((p) => p.name === 'Bob'), 'bob visible to ann')
    expect(annCal.presence.peers().map((p) => p.userId)).toEqual([bobUser.id])
    expect(namesSeenByAnn.has('Not Ann')).toBe(false)

    // A second handle on the same calendar shares the doc and its connection.
    const again = await ann.openCalendar(calendar.id)
    expect(again.doc).toBe(annCal.doc)
    await again.close()
    expect(annCal.status.state).toBe('synced')
    annCal.createEvent({
      title: 'Still connected',
      start: '2026-05-01T10:00',
      end: '2026-05-01T11:00',
    })
    await waitFor(
      () => bobCal.events().some((e) => e.title === 'Still connected'),
      'edit after closing one handle',
    )
    await annCal.close()
    await waitFor(
      () => bobCal.presence.peers().length === 0,
      'ann gone from presence after the last close',
    )
  })
})
