// Runs the seat allocator (@plansync/schema) for event docs on the server:
// after a commit changes an event doc (or when one loads), it reads the doc,
// decides seats in arrival order and feeds the decisions back as a server
// update, which is committed before it is relayed like any other.
//
// Exactly one allocator may write a doc at a time. Embedded there is one
// server; in a cluster a lease decides (the `holdsLease` seam). The doc is
// pinned while a run is pending so it does not unload with requests unseen.
import { parseDocName } from '@plansync/protocol'
import { ALLOCATOR_ORIGIN, allocateSeats } from '@plansync/schema'
import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { SharedDoc } from './docs/shared-doc.ts'

const DEBOUNCE_MS = 20

export interface SeatAllocationOptions {
  logger: Logger
  /** Submits a server-made update through the durable path. */
  apply: (doc: SharedDoc, update: Uint8Array) => void
  /** Unloads the doc if nothing else holds it. */
  release: (doc: SharedDoc) => void
  /** Whether this instance may allocate for the doc now. */
  holdsLease?: (docName: string) => boolean
}

export class SeatAllocation {
  #options: SeatAllocationOptions
  #scheduled = new Map<SharedDoc, NodeJS.Timeout>()
  /** One Yjs client id per doc for this process, so allocations extend one clock. */
  #clientIds = new Map<string, number>()

  constructor(options: SeatAllocationOptions) {
    this.#options = options
  }

  /** Schedules a run for an event doc (other docs are ignored). */
  schedule(doc: SharedDoc): void {
    if (parseDocName(doc.name)?.kind !== 'event' || this.#scheduled.has(doc)) return
    doc.pins += 1
    const timer = setTimeout(() => {
      this.#scheduled.delete(doc)
      try {
        this.#run(doc)
      } catch (error) {
        this.#options.logger.error({ err: error, doc: doc.name }, 'seat allocation failed')
      } finally {
        doc.pins -= 1
        this.#options.release(doc)
      }
    }, DEBOUNCE_MS)
    this.#scheduled.set(doc, timer)
  }

  /** Stops pending runs (shutdown). */
  close(): void {
    for (const [doc, timer] of this.#scheduled) {
      clearTimeout(timer)
      doc.pins -= 1
    }
    this.#scheduled.clear()
  }

  #run(doc: SharedDoc): void {
    if (this.#options.holdsLease && !this.#options.holdsLease(doc.name)) return
    const ydoc = new Y.Doc()
    let clientId = this.#clientIds.get(doc.name)
    if (clientId === undefined) {
      clientId = ydoc.clientID
      this.#clientIds.set(doc.name, clientId)
    }
    ydoc.clientID = clientId
    try {
      for (const part of doc.state.encodeAll()) Y.applyUpdate(ydoc, part)
      const made: Uint8Array[] = []
      ydoc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === ALLOCATOR_ORIGIN) made.push(update)
      })
      if (allocateSeats(ydoc)) {
        for (const update of made) this.#options.apply(doc, update)
        this.#options.logger.debug({ doc: doc.name }, 'seats allocated')
      }
    } finally {
      ydoc.destroy()
    }
  }
}
