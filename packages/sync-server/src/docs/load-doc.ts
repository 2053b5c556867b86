// Builds a Y.Doc from storage: the newest snapshot plus the log tail, in one
// transaction. Any failure discards the doc: a doc that did not load is
// never served empty, so it can never overwrite what storage holds.
import * as Y from 'yjs'
import { SyncError } from '../errors.ts'
import type { DocStore } from '../storage/types.ts'

/** Transaction origin of updates applied while loading (never persisted again). */
export const LOAD_ORIGIN = Symbol('load')

export interface LoadedDoc {
  ydoc: Y.Doc
  tail: { rows: number; bytes: number }
}

export async function loadDoc(store: DocStore, name: string): Promise<LoadedDoc> {
  let stored: Awaited<ReturnType<DocStore['load']>>
  try {
    stored = await store.load(name)
  } catch (error) {
    throw new SyncError('doc_unavailable', 'storage is unavailable', { cause: error })
  }
  // gc stays on: deleted content is dropped from memory as in any Yjs peer.
  const ydoc = new Y.Doc()
  try {
    Y.transact(
      ydoc,
      () => {
        if (stored.snapshot) Y.applyUpdate(ydoc, stored.snapshot, LOAD_ORIGIN)
        for (const update of stored.updates) Y.applyUpdate(ydoc, update, LOAD_ORIGIN)
      },
      LOAD_ORIGIN,
    )
  } catch (error) {
    ydoc.destroy()
    throw new SyncError('doc_unavailable', 'stored doc does not decode', { cause: error })
  }
  let bytes = 0
  for (const update of stored.updates) bytes += update.byteLength
  return { ydoc, tail: { rows: stored.updates.length, bytes } }
}
