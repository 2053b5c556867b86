import { CloseCode, MessageType } from '@plansync/protocol'
import { describe, expect, it } from 'vitest'
import {
  awarenessFrame,
  closesTotal,
  connectBad,
  expectUndisturbed,
  MAX_AWARENESS_BYTES,
  MAX_MESSAGE_BYTES,
  nextDoc,
  openWitnesses,
  sendAndExpectClose,
  socketOf,
  start,
  useCleanup,
} from './utils/bad-input-kit.ts'
import { waitFor } from './utils/wait.ts'

useCleanup()

describe('bad awareness', () => {
  it('closes a first awareness message that claims another connection clientID (4423)', async () => {
    const { syncUrl } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const forged = { clientId: w.watcher.doc.clientID, clock: 999, json: '{"user":"forged"}' }
    await sendAndExpectClose(
      await connectBad(syncUrl, docName),
      awarenessFrame([forged]),
      CloseCode.invalidAwareness,
    )
    expect(w.writer.provider.awareness.getStates().get(w.watcher.doc.clientID)).not.toEqual({
      user: 'forged',
    })
    await expectUndisturbed(w, syncUrl, docName)
  })

  it('drops later awareness entries for clientIDs the connection does not own, silently', async () => {
    const { syncUrl } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const mallory = await connectBad(syncUrl, docName)
    const statesAtWriter = () => w.writer.provider.awareness.getStates()
    const forgedSeen: unknown[] = []
    w.writer.provider.awareness.on('change', () => {
      const state = statesAtWriter().get(w.watcher.doc.clientID) as { user?: string } | undefined
      if (state?.user === 'forged') forgedSeen.push(state)
    })
    mallory.send(awarenessFrame([{ clientId: 4242, clock: 1, json: '{"note":"mallory"}' }]))
    await waitFor(() => statesAtWriter().has(4242), 'mallory awareness at the writer')
    // A frame only about the watcher, then one mixing mallory's own state with a forgery.
    const forged = { clientId: w.watcher.doc.clientID, clock: 999, json: '{"user":"forged"}' }
    mallory.send(awarenessFrame([forged]))
    mallory.send(
      awarenessFrame([{ clientId: 4242, clock: 2, json: '{"note":"mallory-2"}' }, forged]),
    )
    await waitFor(
      () => (statesAtWriter().get(4242) as { note?: string } | undefined)?.note === 'mallory-2',
      'mallory second awareness at the writer',
    )
    expect(mallory.closed).toBeUndefined()
    expect(forgedSeen).toEqual([])
    expect(statesAtWriter().get(w.watcher.doc.clientID)).not.toEqual({ user: 'forged' })
    expect(w.watcher.provider.awareness.getLocalState()).not.toEqual({ user: 'forged' })
    await expectUndisturbed(w, syncUrl, docName)
  })

  const awarenessCases: Array<{ name: string; json: string; maxAwarenessBytes?: number }> = [
    { name: 'over the size cap', json: JSON.stringify({ pad: 'x'.repeat(MAX_AWARENESS_BYTES) }) },
    { name: 'a number, not an object', json: '42' },
    { name: 'an array, not an object', json: '[1,2]' },
    { name: 'not JSON', json: '{"user":' },
    // JSON.parse takes it, but re-encoding it (relay, a joining client) overflows the stack.
    {
      name: 'nested deeper than the cap',
      json: `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      maxAwarenessBytes: MAX_MESSAGE_BYTES,
    },
  ]
  for (const { name, json, maxAwarenessBytes } of awarenessCases) {
    it(`closes on an awareness state ${name} (4423)`, async () => {
      const { url, syncUrl } = await start(maxAwarenessBytes ? { maxAwarenessBytes } : {})
      const docName = nextDoc()
      const w = await openWitnesses(syncUrl, docName)
      const bad = await connectBad(syncUrl, docName)
      const closes = await closesTotal(url)
      bad.send(awarenessFrame([{ clientId: 4242, clock: 1, json }]))
      // The bad client does not read its close frame, so its connection stays
      // attached (up to 5 s) while a client joins and asks for awareness.
      const socket = socketOf(bad)
      socket.pause()
      await waitFor(async () => (await closesTotal(url)) > closes, 'server closes the bad client')
      const late = await connectBad(syncUrl, docName, 'user=late')
      late.send(new Uint8Array([MessageType.queryAwareness]))
      await late.waitForFrame((frame) => frame.type === 'awareness', 'awareness answer')
      expect(late.closed).toBeUndefined()
      socket.resume()
      expect((await bad.waitForClose()).code).toBe(CloseCode.invalidAwareness)
      expect(w.writer.provider.awareness.getStates().has(4242)).toBe(false)
      await expectUndisturbed(w, syncUrl, docName)
    })
  }
})
