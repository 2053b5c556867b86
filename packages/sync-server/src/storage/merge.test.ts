import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { mergeBalanced, mergeForSnapshot } from './merge.ts'
import { createMergeWorker } from './merge-pool.ts'

function overwriteHistory(count: number): Uint8Array[] {
  const updates: Uint8Array[] = []
  const writers = [new Y.Doc(), new Y.Doc(), new Y.Doc()]
  for (const writer of writers) {
    writer.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') updates.push(update)
    })
  }
  for (let i = 0; i < count; i++) {
    const writer = writers[i % writers.length] as Y.Doc
    // Writers see each other's updates, as real clients do.
    for (const other of writers) {
      if (other !== writer) Y.applyUpdate(writer, Y.encodeStateAsUpdate(other), 'remote')
    }
    writer.getMap('event').set('title', `title ${i}`)
    if (i % 20 === 0) writer.getText('notes').insert(0, String(i % 10))
  }
  return updates
}

function contentOf(update: Uint8Array) {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return {
    title: doc.getMap('event').get('title'),
    notes: doc.getText('notes').toString(),
    pending: doc.store.pendingStructs !== null || doc.store.pendingDs !== null,
  }
}

describe('merging updates', () => {
  const history = overwriteHistory(600)
  const expected = contentOf(Y.mergeUpdates(history))

  it('merges as a balanced tree to the same content as one flat merge', () => {
    expect(contentOf(mergeBalanced(history))).toEqual(expected)
    expect(expected.title).toBe('title 599')
    expect(expected.pending).toBe(false)
  })

  it('drops deleted content through a Y.Doc once a snapshot passes the threshold', () => {
    const kept = mergeForSnapshot(history, Number.POSITIVE_INFINITY)
    const collected = mergeForSnapshot(history, 1024)
    expect(contentOf(collected)).toEqual(expected)
    expect(collected.byteLength).toBeLessThan(kept.byteLength * 0.8)
  })

  it('keeps the byte-level merge when the updates leave pending structs', () => {
    const orphan = history.slice(1)
    const merged = mergeForSnapshot(orphan, 16)
    expect(merged).toEqual(mergeBalanced(orphan))
  })

  it('merges in a worker thread with the same result, and fails pending merges on close', async () => {
    const worker = createMergeWorker({ gcAboveBytes: 1024 })
    try {
      const merged = await worker.merge(history)
      expect(contentOf(merged)).toEqual(expected)
      const pending = expect(worker.merge(history)).rejects.toThrow(/closed/)
      await worker.close()
      await pending
    } finally {
      await worker.close()
    }
  })
})
