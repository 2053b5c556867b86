// This instance's leases on docs, for the work that must run once per doc
// (compaction, the seat allocator): taken on demand, renewed together on a
// timer, dropped when a renewal fails or comes too late, so the work stops
// here. Every write of that work carries the lease's fencing token, which
// storage checks in the same transaction (storage/types.ts, WriteOptions):
// an instance paused past its lease cannot overwrite the new holder's work.
import type { Logger } from 'pino'
import type { Lease, Leases } from './lease.ts'

export interface DocLeasesOptions {
  leases: Leases
  logger: Logger
  /** How often held leases are renewed; well under the lease TTL. */
  renewEveryMs: number
  now?: () => number
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

  /** The lease on `docName` if this instance surely holds it now. */
  current(docName: string): Lease | null {
    const lease = this.#held.get(docName)
    if (!lease) return null
    if (this.#now() < lease.validUntil) return lease
    this.#held.delete(docName)
    this.#options.logger.warn({ doc: docName }, 'doc lease ran out before it was renewed')
    return null
  }

  /** The lease on `docName`, taken if nobody holds it; null if another instance does. */
  acquire(docName: string): Promise<Lease | null> {
    const held = this.current(docName)
    if (held) return Promise.resolve(held)
    let acquiring = this.#acquiring.get(docName)
    if (!acquiring) {
      acquiring = this.#options.leases
        .acquire(`doc:${docName}`)
        .then((lease) => {
          if (lease) this.#held.set(docName, lease)
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
        this.#options.logger.warn({ doc: docName }, 'doc lease lost: its work stops here')
      }),
    )
  }
}
