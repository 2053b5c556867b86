// The stock y-websocket WebsocketProvider (3.x) talks to our server: edits
// and awareness flow between two docs, and edits survive a restart.
import { afterEach, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import { connectProvider, waitSynced } from './utils/providers.ts'
import {
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

describe('stock y-websocket provider', () => {
  let server: SyncProcess | undefined
  const providers: WebsocketProvider[] = []

  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    if (server) {
      await stopSyncProcess(server)
      await removeDataDir(server)
      server = undefined
    }
  })

  it('relays edits and awareness between two docs and persists them', async () => {
    server = await startSyncProcess()
    const a = connectProvider(server.syncUrl, 'calendar:family', { params: { user: 'ann' } })
    const b = connectProvider(server.syncUrl, 'calendar:family', { params: { user: 'bob' } })
    providers.push(a.provider, b.provider)
    await Promise.all([waitSynced(a.provider), waitSynced(b.provider)])

    a.doc.getMap('meta').set('name', 'Family')
    await waitFor(() => b.doc.getMap('meta').get('name') === 'Family', 'edit from A at B')
    b.doc.getText('notes').insert(0, 'Pack the tent')
    await waitFor(() => a.doc.getText('notes').toString() === 'Pack the tent', 'edit from B at A')

    a.provider.awareness.setLocalStateField('user', { name: 'Ann', colour: '#f80' })
    await waitFor(
      () =>
        (
          b.provider.awareness.getStates().get(a.doc.clientID) as
            | { user?: { name: string } }
            | undefined
        )?.user?.name === 'Ann',
      'awareness from A at B',
    )
    a.provider.destroy()
    await waitFor(
      () => !b.provider.awareness.getStates().has(a.doc.clientID),
      'A leaves B awareness',
    )

    // A clean restart keeps everything; a new client loads it from storage.
    const dataDir = server.dataDir
    await expect(stopSyncProcess(server)).resolves.toEqual({ code: 0, signal: null })
    server = await startSyncProcess({ dataDir })
    const c = connectProvider(server.syncUrl, 'calendar:family')
    providers.push(c.provider)
    await waitSynced(c.provider)
    expect(c.doc.getMap('meta').get('name')).toBe('Family')
    expect(c.doc.getText('notes').toString()).toBe('Pack the tent')
  })

  it('refuses an invalid doc name with a named close code and loads nothing', async () => {
    server = await startSyncProcess()
    const { provider } = connectProvider(server.syncUrl, 'not a doc')
    providers.push(provider)
    const closed = await new Promise<number>((resolve) =>
      provider.on('connection-close', (event) => resolve(event?.code ?? -1)),
    )
    expect(closed).toBe(4400)
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toMatch(/^sync_doc_loads_total 0$/m)
  })
})
