// Reads a doc from storage: the newest snapshot plus the log tail, checked
// to decode. Any failure discards it: a doc that did not load is never
// served empty, so it can never overwrite what storage holds.
import { SyncError } from '../errors.ts'
import type { DocStore } from '../storage/types.ts'
import { DocState } from './doc-state.ts'

export interface LoadedDoc {
  state: DocState
  tail: { rows: number; bytes: number }
}

export async function loadDoc(store: DocStore, name: string): Promise<LoadedDoc> {
  let stored: Awaited<ReturnType<DocStore['load']>>
  try {
    stored = await store.load(name)
  } catch (error) {
    throw new SyncError('doc_unavailable', 'storage is unavailable', { cause: error })
  }
  let state: DocState
  try {
    state = new DocState(stored.snapshot, stored.updates)
  } catch (error) {
    throw new SyncError('doc_unavailable', 'stored doc does not decode', { cause: error })
  }
  let bytes = 0
  for (const update of stored.updates) bytes += update.byteLength
  return { state, tail: { rows: stored.updates.length, bytes } }
}
