// Starts a compaction of a doc's log once its unmerged tail passes a row or
// byte threshold. One compaction per doc at a time, off the hot path: the
// store merges at byte level (no Y.Doc) and never rewrites a snapshot. In a
// cluster only the holder of the doc's lease compacts, fenced by its token.
import type { Logger } from 'pino'
import type { LeaseGrant } from './cluster/doc-leases.ts'
import type { SyncMetrics } from './metrics.ts'
import { type DocStore, StaleFenceError } from './storage/types.ts'

export interface CompactorOptions {
  store: DocStore
  rows: number
  bytes: number
  logger: Logger
  metrics: SyncMetrics
  /**
   * The right to compact a doc now: a fence for the write, or null when
   * another instance holds the doc's lease (it compacts instead).
   */
  lease: (docName: string) => Promise<LeaseGrant | null>
  /** Called after a compaction merged rows of a doc. */
  onCompacted?: (docName: string) => void
}

export interface TailStats {
  rows: number
  bytes: number
}

export class Compactor {
  #options: CompactorOptions
  #running = new Map<string, Promise<void>>()

  constructor(options: CompactorOptions) {
    this.#options = options
  }

  /** Compacts `docName` in the background if `tail` is over a threshold. */
  maybeCompact(docName: string, tail: TailStats): void {
    const { rows, bytes } = this.#options
    if (tail.rows < rows && tail.bytes < bytes) return
    if (this.#running.has(docName)) return
    const run = this.#compact(docName, tail).then((progressed) => {
      this.#running.delete(docName)
      // Commits that landed during the merge skipped the check above: if they
      // pushed the tail over a threshold again, go on (no writes may follow).
      if (progressed) this.maybeCompact(docName, tail)
    })
    this.#running.set(docName, run)
  }

  /** Waits for running compactions, including any they start (shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running.values()])
  }

  /** True if the compaction merged rows (so trying again can make progress). */
  async #compact(docName: string, tail: TailStats): Promise<boolean> {
    const { store, logger, metrics } = this.#options
    let grant: LeaseGrant | null = null
    try {
      grant = await this.#options.lease(docName)
      if (!grant) {
        // Another instance compacts this doc. Count from zero again, so this
        // one asks for the lease once per threshold, not on every update
        // (and takes over within one threshold if the holder is gone).
        tail.rows = 0
        tail.bytes = 0
        return false
      }
      const result = await store.compact(docName, { fence: grant.fence })
      const after = await store.logStats(docName)
      tail.rows = after.rows
      tail.bytes = after.bytes
      metrics.compactions.inc()
      logger.debug({ doc: docName, ...result }, 'compacted')
      if (result.mergedRows > 0) this.#options.onCompacted?.(docName)
      return result.mergedRows > 0
    } catch (error) {
      if (error instanceof StaleFenceError) {
        // The lease moved on, or Redis forgot its tokens: stop, and let the
        // next commit of the doc ask again (with a token above storage's).
        logger.warn({ doc: docName }, 'compaction refused: the doc lease moved on')
        await grant?.refused()
        return false
      }
      logger.error({ err: error, doc: docName }, 'compaction failed')
      return false
    }
  }
}
