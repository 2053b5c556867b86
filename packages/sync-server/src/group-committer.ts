// Group commit: every update waits in one queue, and each storage
// transaction takes everything that arrived while the previous one was
// committing (plus an optional short window), across all docs. Under load
// batches grow by themselves, so one fsync covers many updates.
//
// Nothing leaves the queue until its transaction committed; a failed commit
// keeps the batch at the head and retries with backoff, in order.
import type { Logger } from 'pino'
import type { SyncMetrics } from './metrics.ts'
import type { AppendEntry, DocStore } from './storage/types.ts'

export interface CommitEntry<Doc> extends AppendEntry {
  doc: Doc
  /** The doc's applied-update sequence number this entry carries. */
  seq: number
  /** Who sent it (a connection), so relay can skip the sender. */
  origin: unknown
  receivedAt: number
}

export interface GroupCommitterOptions<Doc> {
  store: DocStore
  windowMs: number
  logger: Logger
  metrics: SyncMetrics
  /** Called after each durable batch, in commit order. */
  onCommitted: (batch: CommitEntry<Doc>[]) => void
}

const RETRY_MIN_MS = 50
const RETRY_MAX_MS = 2_000

export class GroupCommitter<Doc> {
  #options: GroupCommitterOptions<Doc>
  #queue: CommitEntry<Doc>[] = []
  #pendingBytes = 0
  #running = false
  #scheduled = false
  #idleWaiters: Array<() => void> = []
  #healthy = true

  constructor(options: GroupCommitterOptions<Doc>) {
    this.#options = options
  }

  /** Bytes accepted but not yet durable. */
  get pendingBytes(): number {
    return this.#pendingBytes
  }

  /** False while commits are failing (storage down). */
  get healthy(): boolean {
    return this.#healthy
  }

  enqueue(entry: CommitEntry<Doc>): void {
    this.#queue.push(entry)
    this.#pendingBytes += entry.update.byteLength
    this.#schedule()
  }

  /** Resolves once everything enqueued so far is durable. */
  flush(): Promise<void> {
    if (!this.#running && !this.#scheduled && this.#queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idleWaiters.push(resolve))
  }

  #schedule(): void {
    if (this.#running || this.#scheduled) return
    this.#scheduled = true
    const run = () => {
      this.#scheduled = false
      void this.#run()
    }
    if (this.#options.windowMs > 0) setTimeout(run, this.#options.windowMs)
    else setImmediate(run)
  }

  async #run(): Promise<void> {
    this.#running = true
    let retryMs = RETRY_MIN_MS
    while (this.#queue.length > 0) {
      const batch = this.#queue
      this.#queue = []
      const started = performance.now()
      try {
        await this.#options.store.append(batch)
      } catch (error) {
        this.#queue = batch.concat(this.#queue)
        this.#healthy = false
        this.#options.metrics.commitFailures.inc()
        this.#options.logger.error({ err: error, entries: batch.length, retryMs }, 'commit failed')
        await new Promise((resolve) => setTimeout(resolve, retryMs))
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS)
        continue
      }
      retryMs = RETRY_MIN_MS
      this.#healthy = true
      this.#options.metrics.persistSeconds.observe((performance.now() - started) / 1000)
      this.#options.metrics.commitBatchSize.observe(batch.length)
      for (const entry of batch) this.#pendingBytes -= entry.update.byteLength
      try {
        this.#options.onCommitted(batch)
      } catch (error) {
        this.#options.logger.error({ err: error }, 'post-commit relay failed')
      }
    }
    this.#running = false
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const resolve of waiters) resolve()
  }
}
