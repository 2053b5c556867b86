// One open doc: the local replica (loaded from the LocalStore first, so it
// works offline at once), its persistence (every update is appended), and
// its sync with the server. Handles are shared per doc name and counted;
// the last close stops syncing.
import { ObservableV2 } from 'lib0/observable'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { StoreLike } from './client-types.ts'
import { DocSync, type DocSyncOptions } from './sync/doc-sync.ts'
import type { SyncStatus } from './sync/status.ts'

/** Merge the stored updates of a doc into one once it has this many. */
const COMPACT_AFTER = 500

export type DocHandleEvents = { status: (status: SyncStatus) => void }

export class DocHandle extends ObservableV2<DocHandleEvents> {
  readonly name: string
  readonly doc = new Y.Doc()
  readonly awareness: Awareness
  readonly sync: DocSync
  #store: StoreLike
  #stored = 0
  #writes: Promise<void> = Promise.resolve()
  #onClosed: () => void

  constructor(
    name: string,
    store: StoreLike,
    sync: Omit<DocSyncOptions, 'doc' | 'awareness' | 'docName'>,
    onClosed: () => void,
  ) {
    super()
    this.name = name
    this.#store = store
    this.#onClosed = onClosed
    this.awareness = new Awareness(this.doc)
    this.sync = new DocSync({ ...sync, docName: name, doc: this.doc, awareness: this.awareness })
    this.sync.on('status', (status) => this.emit('status', [status]))
  }

  get status(): SyncStatus {
    return this.sync.status
  }

  /** Loads the local replica, starts persisting and connecting. */
  async open(): Promise<void> {
    const updates = await this.#store.load(this.name)
    Y.transact(
      this.doc,
      () => {
        for (const update of updates) Y.applyUpdate(this.doc, update)
      },
      this.#store,
    )
    this.#stored = updates.length
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this.#store) this.#persist(update)
    })
    this.sync.connect()
  }

  /** Resolves once every update so far is in the local store. */
  flushed(): Promise<void> {
    return this.#writes
  }

  async close(): Promise<void> {
    this.sync.destroy()
    this.awareness.destroy()
    await this.#writes
    this.doc.destroy()
    this.#onClosed()
  }

  #persist(update: Uint8Array): void {
    this.#stored += 1
    const compact = this.#stored >= COMPACT_AFTER
    if (compact) this.#stored = 1
    this.#writes = this.#writes.then(() =>
      compact
        ? this.#store.replace(this.name, Y.encodeStateAsUpdate(this.doc))
        : this.#store.append(this.name, update),
    )
  }
}
