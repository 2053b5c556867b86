import { CloseCode, SyncMessageType } from '@plansync/protocol'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  closeCount,
  connectBad,
  evilUpdate,
  expectUndisturbed,
  nextDoc,
  openWitnesses,
  socketOf,
  start,
  useCleanup,
} from './utils/bad-input-kit.ts'
import { encodeSync, readMetric } from './utils/markers.ts'
import { waitFor } from './utils/wait.ts'

useCleanup()

describe('backpressure', () => {
  it('drops the updates of a read-only connection but answers its sync step 1', async () => {
    const { url, syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const viewer = await connectBad(syncUrl, docName, 'user=viewer&role=viewer')
    viewer.send(encodeSync(SyncMessageType.step1, Y.encodeStateVector(new Y.Doc())))
    await viewer.waitForFrame((frame) => frame.type === 'sync-step2', 'step 2')
    // The reply: the log tail as a sync update, then step 2 (the snapshot).
    const seen = new Y.Doc()
    for (const frame of viewer.frames) {
      if (frame.type === 'sync-update' || frame.type === 'sync-step2')
        Y.applyUpdate(seen, frame.payload)
    }
    expect(seen.getMap('m').get('before')).toBe('ok')
    const relayedBefore = viewer.frames.length

    const dropped = await readMetric(url, 'sync_dropped_updates_total')
    viewer.send(encodeSync(SyncMessageType.update, evilUpdate()))
    viewer.send(encodeSync(SyncMessageType.step2, evilUpdate()))
    await waitFor(
      async () => (await readMetric(url, 'sync_dropped_updates_total')) === dropped + 2,
      'dropped updates counted',
    )
    expect(viewer.closed).toBeUndefined()
    await expectUndisturbed(w, syncUrl, docName, { store })
    // The viewer still gets the writers' edits.
    await waitFor(
      () => viewer.frames.slice(relayedBefore).some((frame) => frame.type === 'sync-update'),
      'relayed edit at the viewer',
    )
  })

  it('closes a slow consumer with 1013 while the others continue', async () => {
    const { url, syncUrl, store } = await start({
      maxMessageBytes: 2 * 1024 * 1024,
      maxBufferedBytes: 64 * 1024,
      compaction: { rows: 1_000_000, bytes: 1024 ** 3 },
    })
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const slow = await connectBad(syncUrl, docName, 'user=slow')
    await slow.waitForFrame((frame) => frame.type === 'sync-step1', 'server step 1')
    const socket = socketOf(slow)
    socket.pause()

    const blob = 'x'.repeat(256 * 1024)
    const keys = ['before', 'after']
    const slowClosed = async () => (await closeCount(url, CloseCode.tryAgainLater)) > 0
    for (let i = 0; i < 200 && !(await slowClosed()); i++) {
      w.writer.doc.getMap('m').set(`blob${i}`, blob)
      keys.push(`blob${i}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(await slowClosed()).toBe(true)
    socket.resume()
    expect((await slow.waitForClose(10_000)).code).toBe(CloseCode.tryAgainLater)
    await waitFor(
      () => w.watcher.doc.getMap('m').size === keys.length - 1,
      'every blob at the watcher',
      10_000,
    )
    // The doc is now far bigger than maxBufferedBytes: a fresh client still
    // loads it, since its first sync reply gets an allowance.
    await expectUndisturbed(w, syncUrl, docName, { keys, store })
  })
  it('gives only the first sync reply an allowance: repeated step 1 without reading is closed', async () => {
    const { url, syncUrl } = await start({
      maxMessageBytes: 2 * 1024 * 1024,
      maxBufferedBytes: 64 * 1024,
      compaction: { rows: 1_000_000, bytes: 1024 ** 3 },
    })
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    w.writer.doc.getMap('m').set('blob', 'x'.repeat(512 * 1024))
    await waitFor(() => w.watcher.doc.getMap('m').has('blob'), 'blob at the watcher')
    const greedy = await connectBad(syncUrl, docName, 'user=greedy')
    await greedy.waitForFrame((frame) => frame.type === 'sync-step1', 'server step 1')
    socketOf(greedy).pause()
    const emptyStateVector = Y.encodeStateVector(new Y.Doc())
    for (let i = 0; i < 10 && (await closeCount(url, CloseCode.tryAgainLater)) === 0; i++) {
      greedy.send(encodeSync(SyncMessageType.step1, emptyStateVector))
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(await closeCount(url, CloseCode.tryAgainLater)).toBe(1)
    await expectUndisturbed(w, syncUrl, docName, { keys: ['before', 'blob', 'after'] })
  })
})
