// Merging many Yjs updates into one, the way compaction and sync replies need it.
//
// Y.mergeUpdates is byte level (no Y.Doc) but slows down sharply with the
// number of inputs (20k small updates: ~9 s in one call, ~0.1 s as a tree
// of 32-way merges), so inputs are merged as a balanced tree.
//
// It also never drops deleted content: a key overwritten 20k times merges to
// ~250 KB while a Y.Doc, which garbage-collects deleted items, encodes the
// same state in ~150 bytes. A snapshot that only ever merged would grow with
// history and so would every cold load. So once a merged snapshot passes
// `gcAboveBytes` (a few KiB), it is rebuilt through a Y.Doc (apply, then encode) - the
// same state, minus deleted content. This runs in the merge worker, off the
// event loop.
import * as Y from 'yjs'

export const MERGE_FAN_IN = 32

/** Snapshots larger than this are rebuilt through a Y.Doc to drop deleted content. */
export const DEFAULT_GC_ABOVE_BYTES = 4 * 1024

export function mergeBalanced(updates: readonly Uint8Array[]): Uint8Array {
  if (updates.length === 0) return new Uint8Array([0, 0])
  let level = [...updates]
  while (level.length > 1) {
    const next: Uint8Array[] = []
    for (let i = 0; i < level.length; i += MERGE_FAN_IN) {
      const group = level.slice(i, i + MERGE_FAN_IN)
      next.push(group.length === 1 ? (group[0] as Uint8Array) : Y.mergeUpdates(group))
    }
    level = next
  }
  return level[0] as Uint8Array
}

/** Merges, then drops deleted content through a Y.Doc if the result is large. */
export function mergeForSnapshot(updates: readonly Uint8Array[], gcAboveBytes: number): Uint8Array {
  const merged = mergeBalanced(updates)
  if (merged.byteLength <= gcAboveBytes) return merged
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, merged)
    // A doc with pending structs would lose them in the encoding: keep the merge.
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) return merged
    const collected = Y.encodeStateAsUpdate(doc)
    return collected.byteLength < merged.byteLength ? collected : merged
  } finally {
    doc.destroy()
  }
}

/** How a store merges a snapshot and its tail; may run elsewhere (a worker). */
export type MergeFunction = (updates: Uint8Array[]) => Promise<Uint8Array>

/** Merges on the calling thread (tests, tools); the server uses the worker. */
export function createInlineMerge(gcAboveBytes = DEFAULT_GC_ABOVE_BYTES): MergeFunction {
  return async (updates) => mergeForSnapshot(updates, gcAboveBytes)
}
