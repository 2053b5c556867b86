// One doc held in memory: its state (updates as bytes), awareness,
// connections, and the two counters that make "durable before relay" hold:
//   applied  - updates accepted into the in-memory state
//   durable  - of those, how many storage has committed
// Anything derived from the state (a sync step 2 reply, an ack) is sent only
// once `durable` has caught up with the `applied` it was computed at; new
// updates are relayed only from the commit callback.
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { DocState } from './doc-state.ts'

/** The part of a connection a doc needs. */
export interface DocPeer {
  readonly id: string
  send(frame: Uint8Array): void
}

interface DurableWaiter {
  seq: number
  run: () => void
}

export class SharedDoc {
  readonly name: string
  #state: DocState
  readonly awareness: Awareness
  /** Connections, each with the awareness clientIDs it owns. */
  readonly peers = new Map<DocPeer, Set<number>>()
  /** Upgrades in progress that will attach a connection (prevents unloading). */
  pins = 0
  /** Unmerged log rows and bytes in storage, for compaction. */
  readonly tail: { rows: number; bytes: number }
  #applied = 0
  #durable = 0
  /** Updates accepted that were durable already (from another instance or storage). */
  #adopted = 0
  #waiters: DurableWaiter[] = []

  constructor(name: string, state: DocState, tail: { rows: number; bytes: number }) {
    this.name = name
    this.#state = state
    this.tail = tail
    // Awareness wants a Y.Doc only for its own clientID; an empty one does.
    this.awareness = new Awareness(new Y.Doc())
    // The server speaks for nobody: it has no awareness state of its own.
    this.awareness.setLocalState(null)
  }

  get state(): DocState {
    return this.#state
  }

  /**
   * Swaps in state read back from storage after a compaction, so a doc that
   * stays loaded does not keep its whole history in memory. Only valid when
   * nothing was accepted since the read began and everything is durable.
   */
  replaceState(state: DocState, changesAtRead: number): boolean {
    if (this.hasPendingWrites || this.changes !== changesAtRead) return false
    this.#state = state
    return true
  }

  get applied(): number {
    return this.#applied
  }

  /** Grows with every update accepted, whether it still has to be stored or not. */
  get changes(): number {
    return this.#applied + this.#adopted
  }

  /** Counts an update accepted that is durable already (no write, nothing to wait for). */
  adopted(): void {
    this.#adopted += 1
  }

  get hasPendingWrites(): boolean {
    return this.#applied !== this.#durable
  }

  get idle(): boolean {
    return this.peers.size === 0 && this.pins === 0 && !this.hasPendingWrites
  }

  /** Called for every accepted update; returns its sequence number. */
  nextSeq(): number {
    this.#applied += 1
    return this.#applied
  }

  /** Runs `run` once every update up to `seq` is durable (now, if it is). */
  afterDurable(seq: number, run: () => void): void {
    if (seq <= this.#durable) run()
    else this.#waiters.push({ seq, run })
  }

  /** Storage committed every update up to `seq`. */
  markDurable(seq: number): void {
    this.#durable = Math.max(this.#durable, seq)
    let ready = 0
    while (
      ready < this.#waiters.length &&
      (this.#waiters[ready]?.seq ?? Infinity) <= this.#durable
    ) {
      ready += 1
    }
    if (ready === 0) return
    const runs = this.#waiters.splice(0, ready)
    for (const waiter of runs) waiter.run()
  }

  /** Sends a frame to every connection except `except`. */
  broadcast(frame: Uint8Array, except?: unknown): number {
    let sent = 0
    for (const peer of this.peers.keys()) {
      if (peer === except) continue
      peer.send(frame)
      sent += 1
    }
    return sent
  }

  /** True if a connection other than `peer` owns this awareness clientID. */
  isClientIdOwnedElsewhere(clientId: number, peer: DocPeer): boolean {
    for (const [other, owned] of this.peers) {
      if (other !== peer && owned.has(clientId)) return true
    }
    return false
  }

  destroy(): void {
    this.awareness.doc.destroy()
    this.awareness.destroy()
  }
}
