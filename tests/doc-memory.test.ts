// A doc that stays loaded does not keep its whole history in memory: after
// a compaction the server swaps its in-memory state for the compacted one
// (a GC'd snapshot), and clients go on syncing as before.
import { afterEach, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import { type InProcessServer, startInProcessServer } from './utils/in-process-server.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import { waitFor } from './utils/wait.ts'

describe('memory of a long-lived doc', () => {
  let server: InProcessServer | undefined
  const providers: WebsocketProvider[] = []
  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    await server?.close()
    server = undefined
  })

  it('drops overwritten history from memory after compaction', async () => {
    server = await startInProcessServer({ compaction: { rows: 20, bytes: 64 * 1024 } })
    const docName = 'calendar:busy'
    const writer = connectProvider(server.syncUrl, docName, { params: { user: 'ann' } })
    const reader = connectProvider(server.syncUrl, docName, { params: { user: 'bob' } })
    providers.push(writer.provider, reader.provider)
    await Promise.all([waitSynced(writer.provider), waitSynced(reader.provider)])

    const value = (i: number) => `${i}:${'x'.repeat(2048)}`
    for (let i = 0; i < 300; i++) {
      writer.doc.getMap('m').set('note', value(i))
      if (i % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await waitFor(
      () => reader.doc.getMap('m').get('note') === value(299),
      'last write at the reader',
    )
    const held = () =>
      server?.server.engine.registry.get(docName)?.state.byteSize ?? Number.POSITIVE_INFINITY
    // 300 overwrites of 2 KiB: about 600 KiB of history; the live value is 2 KiB.
    await waitFor(() => held() < 64 * 1024, 'in-memory state shrunk after compaction', 10_000)

    writer.doc.getMap('m').set('after', 'still syncing')
    await waitFor(
      () => reader.doc.getMap('m').get('after') === 'still syncing',
      'edit after the swap',
    )
    const late = connectProvider(server.syncUrl, docName, { params: { user: 'cat' } })
    providers.push(late.provider)
    await waitSynced(late.provider)
    expect(late.doc.getMap('m').toJSON()).toEqual({ note: value(299), after: 'still syncing' })
  })
})
