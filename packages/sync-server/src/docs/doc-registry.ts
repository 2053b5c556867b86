// The docs held in memory: one load per doc however many connections join
// at once (single flight), and unloading once a doc has no connection, no
// upgrade in progress and nothing waiting for storage.
import type { Logger } from 'pino'
import type { SyncMetrics } from '../metrics.ts'
import type { DocStore } from '../storage/types.ts'
import { type LoadedDoc, loadDoc } from './load-doc.ts'
import { SharedDoc } from './shared-doc.ts'

export interface DocRegistryOptions {
  store: DocStore
  logger: Logger
  metrics: SyncMetrics
  /** Called before the storage read of a doc begins (the relay starts keeping its updates). */
  onLoading?: (name: string) => void
  /** Wires a freshly loaded doc (update and awareness handlers). */
  onLoaded: (doc: SharedDoc) => void
  /** Called when a load failed or a doc was unloaded. */
  onGone?: (name: string) => void
}

export class DocRegistry {
  #options: DocRegistryOptions
  #docs = new Map<string, SharedDoc>()
  #loading = new Map<string, Promise<SharedDoc>>()

  constructor(options: DocRegistryOptions) {
    this.#options = options
  }

  get size(): number {
    return this.#docs.size
  }

  get(name: string): SharedDoc | undefined {
    return this.#docs.get(name)
  }

  docs(): IterableIterator<SharedDoc> {
    return this.#docs.values()
  }

  /**
   * Returns the loaded doc, loading it once if needed, pinned: the caller
   * must `release` the pin once its connection is attached (or failed).
   */
  async acquire(name: string): Promise<SharedDoc> {
    const doc = this.#docs.get(name) ?? (await this.#loadOnce(name))
    doc.pins += 1
    return doc
  }

  release(doc: SharedDoc): void {
    doc.pins -= 1
    this.unloadIfIdle(doc)
  }

  unloadIfIdle(doc: SharedDoc): void {
    if (!doc.idle || this.#docs.get(doc.name) !== doc) return
    this.#docs.delete(doc.name)
    doc.destroy()
    this.#options.onGone?.(doc.name)
    this.#options.metrics.loadedDocs.set(this.#docs.size)
    this.#options.logger.debug({ doc: doc.name }, 'doc unloaded')
  }

  #loadOnce(name: string): Promise<SharedDoc> {
    let loading = this.#loading.get(name)
    if (!loading) {
      loading = this.#load(name).finally(() => this.#loading.delete(name))
      this.#loading.set(name, loading)
    }
    return loading
  }

  async #load(name: string): Promise<SharedDoc> {
    const { store, logger, metrics } = this.#options
    const started = performance.now()
    let loaded: LoadedDoc
    this.#options.onLoading?.(name)
    try {
      loaded = await loadDoc(store, name)
    } catch (error) {
      this.#options.onGone?.(name)
      metrics.docLoadFailures.inc()
      logger.error({ err: error, doc: name }, 'doc load failed')
      throw error
    }
    const doc = new SharedDoc(name, loaded.state, loaded.tail)
    this.#docs.set(name, doc)
    this.#options.onLoaded(doc)
    metrics.docLoads.inc()
    metrics.loadedDocs.set(this.#docs.size)
    logger.debug(
      { doc: name, ms: performance.now() - started, tailRows: doc.tail.rows },
      'doc loaded',
    )
    return doc
  }
}
