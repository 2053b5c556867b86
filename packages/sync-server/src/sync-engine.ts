// The heart of the server: applies client messages to docs, persists every
// new update through the group committer, and relays it only after commit:
// to this instance's clients, and through the cluster relay to other
// instances holding the doc, whose durable updates it takes in the same way.
import type { Logger } from 'pino'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { type AwarenessRelay, REMOTE_ORIGIN } from './cluster/awareness-relay.ts'
import type { DocLeases } from './cluster/doc-leases.ts'
import type { Relay } from './cluster/relay.ts'
import { Compactor } from './compactor.ts'
import type { Connection } from './connection.ts'
import { DocRegistry } from './docs/doc-registry.ts'
import { DocState } from './docs/doc-state.ts'
import type { SharedDoc } from './docs/shared-doc.ts'
import { SyncError } from './errors.ts'
import { type CommitEntry, GroupCommitter } from './group-committer.ts'
import { checkAwareness } from './guards/awareness-guard.ts'
import { checkUpdate } from './guards/update-guard.ts'
import type { SyncMetrics } from './metrics.ts'
import { SeatAllocation } from './seat-allocation.ts'
import type { DocStore } from './storage/types.ts'
import type { IncomingMessage } from './wire/incoming.ts'
import * as outgoing from './wire/outgoing.ts'

export interface SyncEngineOptions {
  store: DocStore
  logger: Logger
  metrics: SyncMetrics
  commitWindowMs: number
  compaction: { rows: number; bytes: number }
  maxPendingBytes: number
  maxNestingDepth: number
  maxAwarenessBytes: number
  /** Leases on docs for compaction and seat allocation (local ones when alone). */
  leases: DocLeases
  /** Other instances holding the same docs, when running as a cluster. */
  cluster?: { relay: Relay; awareness: AwarenessRelay }
  /** How often a doc whose seat lease is held elsewhere is looked at again. */
  seatRetryMs?: number
  /** Told after every commit that changed a doc (the embedded notifier listens). */
  onDocChanged?: (docName: string) => void
}

export class SyncEngine {
  readonly registry: DocRegistry
  readonly committer: GroupCommitter<SharedDoc>
  readonly seats: SeatAllocation
  #compactor: Compactor
  #options: SyncEngineOptions
  /** Remote updates of docs being loaded, applied once the load is done. */
  #arriving = new Map<string, Uint8Array[]>()

  constructor(options: SyncEngineOptions) {
    this.#options = options
    const { store, logger, metrics, leases, cluster } = options
    const lease = (docName: string) => leases.grant(docName)
    this.committer = new GroupCommitter<SharedDoc>({
      store,
      logger,
      metrics,
      windowMs: options.commitWindowMs,
      onCommitted: (batch) => this.#relayCommitted(batch),
    })
    this.#compactor = new Compactor({
      store,
      logger,
      metrics,
      ...options.compaction,
      lease,
      onCompacted: (docName) => void this.#refreshFromStorage(docName),
    })
    this.registry = new DocRegistry({
      store,
      logger,
      metrics,
      // From here on, updates other instances relay for the doc are kept:
      // anything they publish later was not in storage when the load read it.
      onLoading: (name) => {
        if (cluster) this.#arriving.set(name, [])
      },
      onLoaded: (doc) => this.#wire(doc),
      onGone: (name) => {
        this.#arriving.delete(name)
        cluster?.awareness.unfollow(name)
        void leases.release(name)
      },
    })
    this.seats = new SeatAllocation({
      logger,
      lease,
      commit: (doc, update, fence) => this.#commitServerUpdate(doc, update, fence),
      release: (doc) => this.registry.unloadIfIdle(doc),
      retryMs: options.seatRetryMs ?? 5_000,
    })
  }

  /** A durable update of `docName` made on another instance (see cluster/relay.ts). */
  applyRemote(docName: string, update: Uint8Array): void {
    const doc = this.registry.get(docName)
    if (doc) this.#adopt(doc, update)
    else this.#arriving.get(docName)?.push(update)
  }

  /** Reads held docs back from storage and takes in whatever they lack (a relay gap). */
  async resync(filter: ((docName: string) => boolean) | null): Promise<void> {
    const docs = [...this.registry.docs()].filter((doc) => !filter || filter(doc.name))
    for (const doc of docs) {
      doc.pins += 1
      try {
        const stored = await this.#options.store.load(doc.name)
        for (const part of [stored.snapshot, ...stored.updates]) if (part) this.#adopt(doc, part)
      } catch (error) {
        this.#options.logger.warn({ err: error, doc: doc.name }, 'resync from storage failed')
      } finally {
        this.registry.release(doc)
      }
    }
    if (docs.length > 0) this.#options.logger.info({ docs: docs.length }, 'resynced from storage')
  }

  /** Attaches a connection to a loaded doc and starts the sync handshake. */
  attach(conn: Connection, doc: SharedDoc): void {
    doc.peers.set(conn, new Set())
    conn.send(outgoing.encodeSyncStep1(doc.state.encodeStateVector()))
    if (doc.awareness.getStates().size > 0) {
      const clients = [...doc.awareness.getStates().keys()]
      conn.send(
        outgoing.encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(doc.awareness, clients)),
      )
    }
  }

  detach(conn: Connection, doc: SharedDoc): void {
    const owned = doc.peers.get(conn)
    doc.peers.delete(conn)
    if (owned && owned.size > 0) {
      awarenessProtocol.removeAwarenessStates(doc.awareness, [...owned], conn)
    }
    this.registry.unloadIfIdle(doc)
  }

  /** Handles one decoded message; throws a SyncError to close the connection. */
  handle(conn: Connection, doc: SharedDoc, message: IncomingMessage): void {
    switch (message.type) {
      case 'sync-step1':
        this.#answerStep1(conn, doc, message.stateVector)
        return
      case 'sync-step2':
      case 'sync-update':
        this.#applyUpdate(conn, doc, message.update)
        return
      case 'awareness':
        this.#applyAwareness(conn, doc, message.update)
        return
      case 'query-awareness': {
        const clients = [...doc.awareness.getStates().keys()]
        conn.send(
          outgoing.encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(doc.awareness, clients)),
        )
        return
      }
    }
  }

  /** Tells the listener a commit changed `docName`; its failure never stops the relay. */
  #changed(docName: string): void {
    try {
      this.#options.onDocChanged?.(docName)
    } catch (error) {
      this.#options.logger.error({ err: error, doc: docName }, 'doc change listener failed')
    }
  }

  /** Waits until every accepted update is durable and compactions ended. */
  async flush(): Promise<void> {
    await this.committer.flush()
    await this.#compactor.idle()
  }

  /**
   * Takes in an update that is durable already (another instance stored it):
   * checked like a client's, never stored again, sent to this instance's
   * clients. One that does not fit means something was missed: resync.
   */
  #adopt(doc: SharedDoc, update: Uint8Array): void {
    let checked: ReturnType<typeof checkUpdate>
    try {
      checked = checkUpdate(update, {
        stateOf: (client) => doc.state.stateOf(client),
        maxNestingDepth: this.#options.maxNestingDepth,
      })
    } catch (error) {
      this.#options.logger.warn({ err: error, doc: doc.name }, 'remote update does not fit')
      void this.resync((name) => name === doc.name)
      return
    }
    if (checked.redundant) return
    doc.state.accept(checked.update, checked.reach)
    doc.adopted()
    const sent = doc.broadcast(outgoing.encodeSyncUpdate(checked.update))
    this.#options.metrics.updatesOut.inc(sent)
    // The writer appended it to the shared log: this tail grows too.
    doc.tail.rows += 1
    doc.tail.bytes += checked.update.byteLength
    this.#compactor.maybeCompact(doc.name, doc.tail)
    this.seats.schedule(doc)
  }

  #answerStep1(conn: Connection, doc: SharedDoc, stateVector: Uint8Array): void {
    let missing: ReturnType<SharedDoc['state']['missingFor']>
    try {
      missing = doc.state.missingFor(stateVector)
    } catch (error) {
      throw new SyncError('protocol_error', 'state vector does not decode', { cause: error })
    }
    const tail = missing.tail && outgoing.encodeSyncUpdate(missing.tail)
    const step2 = outgoing.encodeSyncStep2(missing.step2)
    // The reply may contain updates not yet durable: hold it until they are.
    doc.afterDurable(doc.applied, () => {
      if (tail) conn.send(tail, { catchUp: true })
      conn.send(step2, { catchUp: true })
      conn.endCatchUp()
    })
  }

  #applyUpdate(conn: Connection, doc: SharedDoc, update: Uint8Array): void {
    if (conn.readOnly) {
      this.#options.metrics.droppedUpdates.inc()
      conn.logger.debug('dropped update from read-only connection')
      return
    }
    if (this.committer.pendingBytes + update.byteLength > this.#options.maxPendingBytes) {
      throw new SyncError('overloaded', 'too many updates waiting for storage')
    }
    const checked = checkUpdate(update, {
      stateOf: (client) => doc.state.stateOf(client),
      maxNestingDepth: this.#options.maxNestingDepth,
    })
    conn.updatesReceived += 1
    if (!checked.redundant) {
      // checked.update, not update: structs the doc already has are cut off.
      doc.state.accept(checked.update, checked.reach)
      this.#options.metrics.updatesIn.inc()
      this.committer.enqueue({
        doc,
        docName: doc.name,
        update: checked.update,
        seq: doc.nextSeq(),
        origin: conn,
        receivedAt: performance.now(),
      })
    }
    if (conn.acks) {
      const count = conn.updatesReceived
      doc.afterDurable(doc.applied, () => conn.sendAck(count))
    }
  }

  /** After a compaction, a still-loaded doc trades its in-memory history for the compacted state. */
  async #refreshFromStorage(docName: string): Promise<void> {
    const doc = this.registry.get(docName)
    if (!doc || doc.hasPendingWrites) return
    const changesAtRead = doc.changes
    try {
      const stored = await this.#options.store.load(docName)
      const fresh = new DocState(stored.snapshot, stored.updates)
      // Storage holds every durable update, so both must reach the same state.
      if (!sameStateVector(fresh.encodeStateVector(), doc.state.encodeStateVector())) return
      if (doc.replaceState(fresh, changesAtRead)) {
        this.#options.logger.debug(
          { doc: docName, bytes: fresh.byteSize },
          'refreshed from storage',
        )
      }
    } catch (error) {
      this.#options.logger.warn({ err: error, doc: docName }, 'refresh after compaction failed')
    }
  }

  /**
   * A server-made update (seat decisions): stored under the doc lease's fence
   * first, outside the group commit so a refused fence fails only this write;
   * once durable it is taken in and relayed like an update from elsewhere.
   */
  async #commitServerUpdate(
    doc: SharedDoc,
    update: Uint8Array,
    fence: number | undefined,
  ): Promise<void> {
    const guard = {
      stateOf: (client: number) => doc.state.stateOf(client),
      maxNestingDepth: this.#options.maxNestingDepth,
    }
    const checked = checkUpdate(update, guard)
    if (checked.redundant) return
    doc.pins += 1
    try {
      await this.#options.store.append([{ docName: doc.name, update: checked.update }], { fence })
      this.#options.metrics.updatesIn.inc()
      this.#adopt(doc, checked.update)
      this.#options.cluster?.relay.publish(doc.name, checked.update)
      this.#changed(doc.name)
    } finally {
      this.registry.release(doc)
    }
  }

  #applyAwareness(conn: Connection, doc: SharedDoc, update: Uint8Array): void {
    const owned = doc.peers.get(conn)
    if (!owned) return
    const checked = checkAwareness(update, {
      maxAwarenessBytes: this.#options.maxAwarenessBytes,
      maxNestingDepth: this.#options.maxNestingDepth,
      owned,
      isOwnedElsewhere: (clientId) => doc.isClientIdOwnedElsewhere(clientId, conn),
      userId: conn.principal.userId,
    })
    if (checked.dropped > 0)
      conn.logger.debug({ dropped: checked.dropped }, 'dropped awareness of other clients')
    if (checked.forged > 0) {
      this.#options.metrics.forgedAwareness.inc(checked.forged)
      conn.logger.warn({ forged: checked.forged }, 'dropped awareness claiming another user')
    }
    if (checked.update) awarenessProtocol.applyAwarenessUpdate(doc.awareness, checked.update, conn)
  }

  #wire(doc: SharedDoc): void {
    const cluster = this.#options.cluster
    doc.awareness.on(
      'update',
      (
        { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
        origin: unknown,
      ) => {
        const changed = added.concat(updated, removed)
        const update = awarenessProtocol.encodeAwarenessUpdate(doc.awareness, changed)
        doc.broadcast(outgoing.encodeAwareness(update))
        if (cluster && origin !== REMOTE_ORIGIN) cluster.awareness.publish(doc.name, update)
      },
    )
    if (cluster) {
      cluster.awareness.follow(doc)
      for (const update of this.#arriving.get(doc.name) ?? []) this.#adopt(doc, update)
      this.#arriving.delete(doc.name)
    }
    this.#compactor.maybeCompact(doc.name, doc.tail)
    this.seats.schedule(doc)
  }

  /** After a commit: mark durable, relay each doc's new updates, maybe compact. */
  #relayCommitted(batch: CommitEntry<SharedDoc>[]): void {
    const byDoc = new Map<SharedDoc, CommitEntry<SharedDoc>[]>()
    for (const entry of batch) {
      const entries = byDoc.get(entry.doc)
      if (entries) entries.push(entry)
      else byDoc.set(entry.doc, [entry])
    }
    const now = performance.now()
    for (const [doc, entries] of byDoc) {
      const updates = entries.map((entry) => entry.update)
      // One frame per doc per commit. The sender is skipped when it is the
      // only origin; otherwise everyone gets the merge (re-applying one's
      // own update is a no-op in Yjs).
      const origins = new Set(entries.map((entry) => entry.origin))
      const update = updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates)
      const except = origins.size === 1 ? entries[0]?.origin : undefined
      // Waiting step 2 replies and acks first, then the relay.
      doc.markDurable(entries[entries.length - 1]?.seq ?? 0)
      const sent = doc.broadcast(outgoing.encodeSyncUpdate(update), except)
      this.#options.metrics.updatesOut.inc(sent)
      this.#options.cluster?.relay.publish(doc.name, update)
      this.#changed(doc.name)
      for (const entry of entries)
        this.#options.metrics.relaySeconds.observe((now - entry.receivedAt) / 1000)
      doc.tail.rows += entries.length
      for (const u of updates) doc.tail.bytes += u.byteLength
      this.#compactor.maybeCompact(doc.name, doc.tail)
      this.seats.schedule(doc)
      this.registry.unloadIfIdle(doc)
    }
  }
}

function sameStateVector(a: Uint8Array, b: Uint8Array): boolean {
  const left = Y.decodeStateVector(a)
  const right = Y.decodeStateVector(b)
  if (left.size !== right.size) return false
  for (const [client, clock] of left) if (right.get(client) !== clock) return false
  return true
}
