// Runs the seat allocator (@plansync/schema) for event docs on the server:
// after a change to an event doc (or when one loads), it reads the doc,
// decides seats in arrival order and writes the decisions back as a server
// update, committed before anyone sees it.
//
// Exactly one allocator may write a doc at a time: the holder of the doc's
// lease, whose fencing token storage checks in the write itself, so an
// instance paused past its lease cannot overwrite the new holder's decisions.
// An instance that finds the lease held elsewhere tries again later while it
// still holds the doc, in case the holder died. The doc is pinned while a run
// is due so it does not unload with requests unseen.
import { parseDocName } from '@plansync/protocol'
import { ALLOCATOR_ORIGIN, allocateSeats } from '@plansync/schema'
import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { LeaseGrant } from './cluster/doc-leases.ts'
import type { SharedDoc } from './docs/shared-doc.ts'
import { StaleFenceError } from './storage/types.ts'

const DEBOUNCE_MS = 20
/** How long a run waits for the writes its decisions read before trying later. */
const SETTLE_MS = 5_000

export interface SeatAllocationOptions {
  logger: Logger
  /** The right to allocate for a doc now (a fence for the write), or null. */
  lease: (docName: string) => Promise<LeaseGrant | null>
  /** Stores a server-made update under the fence, then hands it to everyone. */
  commit: (doc: SharedDoc, update: Uint8Array, fence: number | undefined) => Promise<void>
  /** Unloads the doc if nothing else holds it. */
  release: (doc: SharedDoc) => void
  /** How long to wait before trying a lease held elsewhere again. */
  retryMs: number
}

export class SeatAllocation {
  #options: SeatAllocationOptions
  #scheduled = new Map<SharedDoc, NodeJS.Timeout>()
  #running = new Set<Promise<void>>()
  #closed = false
  /** One Yjs client id per doc for this process, so allocations extend one clock. */
  #clientIds = new Map<string, number>()

  constructor(options: SeatAllocationOptions) {
    this.#options = options
  }

  /** Schedules a run for an event doc (other docs are ignored). */
  schedule(doc: SharedDoc, delayMs = DEBOUNCE_MS): void {
    if (this.#closed || parseDocName(doc.name)?.kind !== 'event') return
    if (this.#scheduled.has(doc)) return
    doc.pins += 1
    const timer = setTimeout(() => {
      this.#scheduled.delete(doc)
      const run = this.#run(doc)
        .catch((error: unknown) => {
          this.#options.logger.error({ err: error, doc: doc.name }, 'seat allocation failed')
        })
        .finally(() => {
          this.#running.delete(run)
          doc.pins -= 1
          this.#options.release(doc)
        })
      this.#running.add(run)
    }, delayMs)
    this.#scheduled.set(doc, timer)
  }

  /** Stops pending runs and waits for running ones (shutdown). */
  async close(): Promise<void> {
    this.#closed = true
    for (const [doc, timer] of this.#scheduled) {
      clearTimeout(timer)
      doc.pins -= 1
    }
    this.#scheduled.clear()
    await Promise.allSettled([...this.#running])
  }

  async #run(doc: SharedDoc): Promise<void> {
    const made = this.#decide(doc)
    if (made.length === 0) return
    const grant = await this.#options.lease(doc.name)
    if (!grant) {
      // Someone else allocates; if it died, its lease expires and this instance takes over.
      if (doc.peers.size > 0) this.schedule(doc, this.#options.retryMs)
      return
    }
    // Decided again, at once: the doc may have changed while the lease was taken.
    const readAt = doc.applied
    const decided = this.#decide(doc)
    // Decisions must rest on durable updates only: a stored decision pointing
    // at a client update that a crash then lost could never be loaded whole.
    // So the write waits until every update the decisions read is durable,
    // and no longer: under steady writes there is always a newer one pending.
    if (!(await durableUpTo(doc, readAt))) {
      if (doc.peers.size > 0) this.schedule(doc, this.#options.retryMs)
      return
    }
    try {
      for (const update of decided) await this.#options.commit(doc, update, grant.fence)
      this.#options.logger.debug({ doc: doc.name }, 'seats allocated')
    } catch (error) {
      if (!(error instanceof StaleFenceError)) throw error
      this.#options.logger.warn({ doc: doc.name }, 'seat allocation refused: the lease moved on')
      // Nothing was decided: look again once the lease has settled (here,
      // with a token above storage's, or on whichever instance took it).
      await grant.refused()
      if (doc.peers.size > 0) this.schedule(doc, this.#options.retryMs)
    }
  }

  /** The updates the allocator makes on the doc as it is now (none if nothing changes). */
  #decide(doc: SharedDoc): Uint8Array[] {
    const ydoc = new Y.Doc()
    try {
      for (const part of doc.state.encodeAll()) Y.applyUpdate(ydoc, part)
      // Set after loading: Yjs gives a doc a new client id when a remote
      // update carries its own, which would start a new clock every run.
      const clientId = this.#clientIds.get(doc.name) ?? ydoc.clientID
      this.#clientIds.set(doc.name, clientId)
      ydoc.clientID = clientId
      const made: Uint8Array[] = []
      ydoc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === ALLOCATOR_ORIGIN) made.push(update)
      })
      allocateSeats(ydoc)
      return made
    } finally {
      ydoc.destroy()
    }
  }
}

/** Waits (bounded) until the doc's updates up to `seq` are durable; false if they did not become so. */
function durableUpTo(doc: SharedDoc, seq: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), SETTLE_MS)
    doc.afterDurable(seq, () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}
