// Starts a compaction of a doc's log once its unmerged tail passes a row or
// byte threshold. One compaction per doc at a time, off the hot path: the
// store merges at byte level (no Y.Doc) and never rewrites a snapshot.
import type { Logger } from 'pino'
import type { SyncMetrics } from './metrics.ts'
import type { DocStore } from './storage/types.ts'

export interface CompactorOptions {
  store: DocStore
  rows: number
  bytes: number
  logger: Logger
  metrics: SyncMetrics
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
    const run = this.#compact(docName, tail).finally(() => this.#running.delete(docName))
    this.#running.set(docName, run)
  }

  /** Waits for running compactions (shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.#running.values()])
  }

  async #compact(docName: string, tail: TailStats): Promise<void> {
    const { store, logger, metrics } = this.#options
    try {
      const result = await store.compact(docName)
      const after = await store.logStats(docName)
      tail.rows = after.rows
      tail.bytes = after.bytes
      metrics.compactions.inc()
      logger.debug({ doc: docName, ...result }, 'compacted')
    } catch (error) {
      logger.error({ err: error, doc: docName }, 'compaction failed')
    }
  }
}
