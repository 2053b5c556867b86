// This instance's leases on docs, for the work that must run once per doc
// (compaction, the seat allocator): taken on demand, renewed together on a
// timer, dropped when a renewal fails or comes too late, so the work stops
// here. Every write of that work carries the lease's fencing token, which
// storage checks in the same transaction (storage/types.ts, WriteOptions):
// an instance paused past its lease cannot overwrite the new holder's work.
// A refused write gives the lease up and lifts the token counter above
// storage's, so a Redis that lost data cannot stall the work for good.
import type { Logger } from 'pino'
import type { Counter } from 'prom-client'
import type { Lease, Leases } from './lease.ts'

export interface DocLeasesOptions {
  leases: Leases
  logger: Logger
  /** The highest fencing token storage accepted for a doc (DocStore.fenceOf). */
  storedFence?: (docName: string) => Promise<number>
  metrics?: { acquired: Counter; lost: Counter; refused: Counter }
  /** How often held leases are renewed; well under the lease TTL. */
  renewEveryMs: number
  now?: () => number
}

/** The right to do a doc's once-per-doc work now, under a fence. */
export interface LeaseGrant {
  /** For the write (none when running alone). */
  fence: number | undefined
  /** Storage refused the fence: give the lease up (see DocLeases.refused). */
  refused(): Promise<void>
}

export class DocLeases {
  #options: DocLeasesOptions
  #now: () => number
  #held = new Map<string, Lease>()
  #acquiring = new Map<string, Promise<Lease | null>>()
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(options: DocLeasesOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
    if (options.leases.fencing) {
      this.#timer = setInterval(() => void this.#renewAll(), options.renewEveryMs)
      this.#timer.unref()
    }
  }

  /** The fence for a write under `lease` (none when running alone). */
  fenceOf(lease: Lease): number | undefined {
    return this.#options.leases.fencing ? lease.fencingToken : undefined
  }

  /** The lease on `docName` as a grant for fenced work; null if another instance holds it. */
  async grant(docName: string): Promise<LeaseGrant | null> {
    const lease = await this.acquire(docName)
    return lease && { fence: this.fenceOf(lease), refused: () => this.refused(docName, lease) }
  }

  /** The lease on `docName` if this instance surely holds it now. */
  current(docName: string): Lease | null {
    const lease = this.#held.get(docName)
    if (!lease) return null
    if (this.#now() < lease.validUntil) return lease
    this.#held.delete(docName)
    this.#options.metrics?.lost.inc()
    this.#options.logger.warn({ doc: docName }, 'doc lease ran out before it was renewed')
    return null
  }

  /** The lease on `docName`, taken if nobody holds it; null if another instance does. */
  acquire(docName: string): Promise<Lease | null> {
    const held = this.current(docName)
    if (held) return Promise.resolve(held)
    let acquiring = this.#acquiring.get(docName)
    if (!acquiring) {
      const { storedFence } = this.#options
      acquiring = this.#options.leases
        .acquire(`doc:${docName}`, storedFence && (() => storedFence(docName)))
        .then((lease) => {
          if (lease) {
            this.#held.set(docName, lease)
            this.#options.metrics?.acquired.inc()
          }
          return lease
        })
        .catch((error: unknown) => {
          this.#options.logger.warn({ err: error, doc: docName }, 'doc lease not taken')
          return null
        })
        .finally(() => this.#acquiring.delete(docName))
      this.#acquiring.set(docName, acquiring)
    }
    return acquiring
  }

  /** Gives the lease up (the doc unloaded), so another instance can take it at once. */
  async release(docName: string): Promise<void> {
    const lease = this.#held.get(docName)
    if (!lease) return
    this.#held.delete(docName)
    await this.#options.leases.release(lease).catch((error: unknown) => {
      this.#options.logger.warn({ err: error, doc: docName }, 'doc lease not released')
    })
  }

  /**
   * Storage refused a write under `lease` (StaleFenceError): a newer token
   * was used. Either the lease moved on while this instance was paused, or
   * Redis lost data and its counter fell behind storage. Either way the
   * lease is given up, and the counter is raised to storage's highest token
   * so that the next acquisition, here or elsewhere, gets a higher one.
   */
  async refused(docName: string, lease: Lease): Promise<void> {
    this.#options.metrics?.refused.inc()
    if (this.#held.get(docName) === lease) this.#held.delete(docName)
    try {
      await this.#options.leases.release(lease)
      const stored = await this.#options.storedFence?.(docName)
      if (stored !== undefined) await this.#options.leases.raiseFence(`doc:${docName}`, stored)
      this.#options.logger.warn(
        { doc: docName, token: lease.fencingToken, stored },
        'fenced write refused: doc lease given up, token counter raised to storage',
      )
    } catch (error) {
      this.#options.logger.warn({ err: error, doc: docName }, 'fenced write refused; not recovered')
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer)
    await Promise.all([...this.#held.keys()].map((docName) => this.release(docName)))
  }

  async #renewAll(): Promise<void> {
    await Promise.all(
      [...this.#held].map(async ([docName, lease]) => {
        const renewed = await this.#options.leases.renew(lease).catch(() => false)
        if (renewed || this.#held.get(docName) !== lease) return
        this.#held.delete(docName)
        this.#options.metrics?.lost.inc()
        this.#options.logger.warn({ doc: docName }, 'doc lease lost: its work stops here')
      }),
    )
  }
}
