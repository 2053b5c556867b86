// A doc as the server holds it: not a Y.Doc but its updates as bytes, plus
// the state vector they reach. The server only relays and stores; it never
// needs the doc's object graph, so it skips Y.applyUpdate (and its
// re-encoding) on the hot path, holds far less memory per doc, and loads a
// doc by reading bytes.
//
//   snapshot  the stored snapshot as loaded (never rewritten in memory)
//   tail      stored log rows after it, then every update accepted since:
//             merged in groups as it grows, and into one when a sync reply
//             needs it (mergeBalanced keeps both cheap)
import * as Y from 'yjs'
import { mergeBalanced } from '../storage/merge.ts'

/** Accepted updates merged into one group once this many have piled up. */
const GROUP_SIZE = 256

/** Yjs v1 encoding of an update with no structs and no deletes. */
const EMPTY_UPDATE = new Uint8Array([0, 0])

export class DocState {
  #snapshot: Uint8Array | null
  /** Merged groups of the tail, oldest first. */
  #groups: Uint8Array[] = []
  /** Tail updates not yet in a group. */
  #recent: Uint8Array[]
  #stateVector = new Map<number, number>()

  /** Throws if any of the stored bytes do not decode. */
  constructor(snapshot: Uint8Array | null, tail: Uint8Array[]) {
    this.#snapshot = snapshot
    this.#recent = [...tail]
    if (snapshot) this.#extend(Y.parseUpdateMeta(snapshot).to)
    for (const update of tail) this.#extend(Y.parseUpdateMeta(update).to)
  }

  /** The next clock the doc expects from `client` (0 if it never saw it). */
  stateOf(client: number): number {
    return this.#stateVector.get(client) ?? 0
  }

  /** Bytes held in memory (snapshot and tail). */
  get byteSize(): number {
    let size = this.#snapshot?.byteLength ?? 0
    for (const part of [...this.#groups, ...this.#recent]) size += part.byteLength
    return size
  }

  /** The state vector, encoded as for a sync step 1. */
  encodeStateVector(): Uint8Array {
    return Y.encodeStateVector(this.#stateVector)
  }

  /** Records an update already checked to fit (see update-guard.ts). */
  accept(update: Uint8Array, reach: ReadonlyMap<number, number>): void {
    this.#recent.push(update)
    if (this.#recent.length >= GROUP_SIZE) {
      this.#groups.push(mergeBalanced(this.#recent))
      this.#recent = []
    }
    this.#extend(reach)
  }

  /**
   * The frames a peer with `encodedStateVector` needs, as sync payloads:
   * `tail` (send as a sync update) before `step2`, so that a stock client,
   * which counts itself synced on step 2, has everything by then.
   * Throws if the state vector does not decode.
   */
  missingFor(encodedStateVector: Uint8Array): { tail: Uint8Array | null; step2: Uint8Array } {
    const peerState = Y.decodeStateVector(encodedStateVector)
    const tail = this.#foldTail()
    const fresh = peerState.size === 0
    return {
      tail: tail && (fresh ? tail : Y.diffUpdate(tail, encodedStateVector)),
      step2: this.#snapshot
        ? fresh
          ? this.#snapshot
          : Y.diffUpdate(this.#snapshot, encodedStateVector)
        : EMPTY_UPDATE,
    }
  }

  /** Everything the doc holds, as updates to apply in order (for server-side readers). */
  encodeAll(): Uint8Array[] {
    const tail = this.#foldTail()
    return [this.#snapshot, tail].filter((part): part is Uint8Array => part !== null)
  }

  #foldTail(): Uint8Array | null {
    const parts = [...this.#groups, ...this.#recent]
    if (parts.length === 0) return null
    const tail = mergeBalanced(parts)
    this.#groups = [tail]
    this.#recent = []
    return tail
  }

  #extend(reach: ReadonlyMap<number, number>): void {
    for (const [client, clock] of reach) {
      if (clock > this.stateOf(client)) this.#stateVector.set(client, clock)
    }
  }
}
