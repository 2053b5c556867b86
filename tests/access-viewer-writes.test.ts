// A viewer at the byte level: its sync step 2 and update messages are
// dropped (never stored, relayed or acknowledged) and counted, its sync
// step 1 is still answered and the editor's edits still reach it, and the
// connection stays open. An editor's identical frames, as a control, are
// stored and acknowledged.
import { SyncMessageType } from '@plansync/protocol'
import { createSyncTokenVerifier } from '@plansync/sync-server'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { evilUpdate, storedDoc } from './utils/bad-input-kit.ts'
import { type InProcessServer, startInProcessServer } from './utils/in-process-server.ts'
import { encodeSync } from './utils/markers.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import { connectRaw, type RawClient } from './utils/raw-client.ts'
import { createTokenMinter, type TokenMinter } from './utils/token-keys.ts'
import { waitFor } from './utils/wait.ts'

const doc = 'calendar:family'
let minter: TokenMinter
let server: InProcessServer
const cleanups: Array<() => void> = []

beforeAll(async () => {
  minter = await createTokenMinter()
})

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  await server?.close()
})

async function rawAs(userId: string, role: 'viewer' | 'editor'): Promise<RawClient> {
  const token = await minter.mint({ userId, doc, role })
  const client = await connectRaw(`${server.syncUrl}/${doc}?token=${token}&ack=1`)
  cleanups.push(() => client.ws.terminate())
  return client
}

const docOf = (frames: RawClient['frames']) => {
  const ydoc = new Y.Doc()
  for (const frame of frames) {
    if (frame.type === 'sync-step2' || frame.type === 'sync-update')
      Y.applyUpdate(ydoc, frame.payload)
  }
  return ydoc
}

describe('a viewer’s writes', () => {
  it('are dropped, counted and never acknowledged, while the viewer stays current', async () => {
    server = await startInProcessServer({
      verifier: createSyncTokenVerifier({ jwks: minter.jwks }),
    })
    const annToken = await minter.mint({ userId: 'ann', doc, role: 'editor' })
    const ann = connectProvider(server.syncUrl, doc, { params: { token: annToken } })
    cleanups.push(() => ann.provider.destroy())
    await waitSynced(ann.provider)
    ann.doc.getMap('meta').set('name', 'Family')

    const viewer = await rawAs('cat', 'viewer')
    await viewer.waitForFrame((f) => f.type === 'sync-step1', 'the server’s sync step 1')
    viewer.send(encodeSync(SyncMessageType.step1, Y.encodeStateVector(new Y.Doc())))
    await waitFor(() => docOf(viewer.frames).getMap('meta').get('name') === 'Family', 'step 2')
    viewer.send(encodeSync(SyncMessageType.step2, evilUpdate()))
    viewer.send(encodeSync(SyncMessageType.update, evilUpdate()))

    ann.doc.getMap('meta').set('colour', 'teal')
    await waitFor(
      () => docOf(viewer.frames).getMap('meta').get('colour') === 'teal',
      'the editor’s later edit at the viewer',
    )
    await server.server.engine.flush()
    const dropped = await server.server.metrics.droppedUpdates.get()
    expect(dropped.values[0]?.value).toBe(2)
    expect(viewer.frames.filter((f) => f.type === 'ack')).toEqual([])
    expect(viewer.closed).toBeUndefined()
    expect(ann.doc.share.has('evil')).toBe(false)
    const stored = await storedDoc(server.store, doc)
    expect(stored.share.has('evil')).toBe(false)
    expect(stored.getMap('meta').get('colour')).toBe('teal')

    // Control: the same frames from an editor are stored and acknowledged.
    const editor = await rawAs('bob', 'editor')
    editor.send(encodeSync(SyncMessageType.update, evilUpdate()))
    await editor.waitForFrame((f) => f.type === 'ack' && f.count === 1, 'the editor’s ack')
    await waitFor(() => ann.doc.share.has('evil'), 'the editor’s write relayed')
  })
})
