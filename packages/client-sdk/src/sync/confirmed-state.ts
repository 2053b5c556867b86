// What the server has confirmed as saved, kept per doc in the LocalStore so
// that edits never confirmed still count as pending after a restart.
//
// The record is a Yjs snapshot (state vector + delete set, `Y.encodeSnapshot`)
// of the replica taken when nothing local was pending: everything it held
// then was on the server, durably (the server acks after its commit and
// sends nothing it has not committed). A stored update that holds something
// the snapshot lacks was never confirmed: a struct past the snapshot's state
// vector, or a deletion outside its delete set (a Y.Map delete or a text
// deletion adds no struct, only a delete set entry). A record that is older
// than it could be only makes the count too high until the next ack, never
// too low.
import * as Y from 'yjs'

/** The record for a replica with nothing pending. */
export function encodeConfirmed(doc: Y.Doc): Uint8Array {
  return Y.encodeSnapshot(Y.snapshot(doc))
}

/** How many stored updates hold something the record lacks (all of them without one). */
export function countUnconfirmed(
  updates: readonly Uint8Array[],
  record: Uint8Array | null,
): number {
  const confirmed = decodeConfirmed(record)
  let count = 0
  for (const update of updates) {
    let contained: boolean
    try {
      contained = Y.snapshotContainsUpdate(confirmed, update)
    } catch {
      contained = false
    }
    if (!contained) count += 1
  }
  return count
}

function decodeConfirmed(record: Uint8Array | null): Y.Snapshot {
  if (!record) return Y.emptySnapshot
  try {
    const snapshot = Y.decodeSnapshot(record)
    // Containment compares delete sets item by item: normalise (sort, merge runs) first.
    return Y.createSnapshot(Y.mergeDeleteSets([snapshot.ds]), snapshot.sv)
  } catch {
    // Unreadable: as if there were none (everything counts as pending until confirmed).
    return Y.emptySnapshot
  }
}
