// One open doc: the local replica (loaded from the LocalStore first, so it
// works offline at once), its persistence (every update is appended), and
// its sync with the server. Handles are shared per doc name and counted;
// the last close stops syncing.
//
// Beside the updates the store keeps the state the server last confirmed
// (sync/confirmed-state.ts): it is written whenever the replica is synced and
// nothing local is pending, and read at open, so that stored edits the server
// never confirmed count as pending again after a restart, and so that a
// replica knows it has synced before (migrations wait for that).
//
// Every token comes with the role it grants. On a viewer's connection the
// server drops updates and never acknowledges them, so the handle takes
// back local changes (the read-only guard) and does not send or count them:
// nothing is left pending forever.
import type { Role } from '@plansync/protocol'
import { accessFor } from '@plansync/schema'
import { ObservableV2 } from 'lib0/observable'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import type { StoreLike } from './client-types.ts'
import { guardReadOnly } from './read-only-guard.ts'
import { countUnconfirmed, encodeConfirmed } from './sync/confirmed-state.ts'
import { DocSync, type DocSyncOptions } from './sync/doc-sync.ts'
import type { SyncStatus } from './sync/status.ts'

/** Merge the stored updates of a doc into one once it has this many. */
const COMPACT_AFTER = 500

export type DocHandleEvents = {
  status: (status: SyncStatus) => void
  /** A token granted a role (the first one, or a different one than before). */
  role: (role: Role) => void
}

/** A sync token and the role it grants on the doc. */
export interface SyncGrant {
  token: string
  role: Role
}

export type DocHandleSyncOptions = Omit<
  DocSyncOptions,
  'doc' | 'awareness' | 'docName' | 'getToken' | 'readOnly'
> & {
  /** Called before every connect; a rejection with `authDenied: true` means needs-auth. */
  getToken: () => Promise<SyncGrant>
}

export class DocHandle extends ObservableV2<DocHandleEvents> {
  readonly name: string
  readonly doc = new Y.Doc()
  readonly awareness: Awareness
  readonly sync: DocSync
  #store: StoreLike
  #stored = 0
  #writes: Promise<void> = Promise.resolve()
  #onClosed: () => void
  #unguard: () => void
  /** The replica has held the server's state: synced in this session, or a record was stored. */
  #hasSynced = false
  /** A confirmed record is queued behind the writes and not yet taken. */
  #confirmQueued = false
  /** The role the last token granted; null before any token in this session. */
  #role: Role | null = null

  constructor(name: string, store: StoreLike, sync: DocHandleSyncOptions, onClosed: () => void) {
    super()
    this.name = name
    this.#store = store
    this.#onClosed = onClosed
    this.awareness = new Awareness(this.doc)
    const viewing = () => this.#role === 'viewer'
    this.sync = new DocSync({
      ...sync,
      docName: name,
      doc: this.doc,
      awareness: this.awareness,
      getToken: () =>
        sync.getToken().then((grant) => {
          this.#grant(grant.role)
          return grant.token
        }),
      readOnly: viewing,
    })
    this.#unguard = guardReadOnly(
      this.doc,
      new Set([store]),
      () => viewing() || accessFor(this.doc) === 'read-only',
    )
    this.sync.on('status', (status) => {
      if (status.state === 'synced') {
        this.#hasSynced = true
        if (status.pending === 0) this.#recordConfirmed()
      }
      this.emit('status', [status])
    })
  }

  get status(): SyncStatus {
    return this.sync.status
  }

  /**
   * True once the replica has held the server's state: it synced in this
   * session, or in an earlier one (its confirmed record is stored). Schema
   * migrations wait for this.
   */
  get hasSynced(): boolean {
    return this.#hasSynced
  }

  /**
   * The role the server grants on this doc, as the last sync token said;
   * null until a token was granted in this session (offline, or before the
   * first connect). A viewer's changes are refused.
   */
  get role(): Role | null {
    return this.#role
  }

  /** Loads the local replica, starts persisting and connecting. */
  async open(): Promise<void> {
    const [updates, confirmed] = await Promise.all([
      this.#store.load(this.name),
      this.#store.loadConfirmed(this.name),
    ])
    this.#hasSynced = confirmed !== null
    this.sync.restore(
      () =>
        Y.transact(
          this.doc,
          () => {
            for (const update of updates) Y.applyUpdate(this.doc, update)
          },
          this.#store,
        ),
      countUnconfirmed(updates, confirmed),
    )
    this.#stored = updates.length
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this.#store) return
      this.#persist(update)
      // The server's updates are saved there: with nothing of ours pending,
      // the whole replica is.
      if (origin === this.sync && this.status.state === 'synced' && this.status.pending === 0) {
        this.#recordConfirmed()
      }
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
    this.#unguard()
    this.doc.destroy()
    this.#onClosed()
  }

  #grant(role: Role): void {
    if (role === this.#role) return
    this.#role = role
    this.emit('role', [role])
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

  /**
   * Stores the replica's state as confirmed, after the writes queued so far.
   * It is taken when the write runs, and only if nothing local is pending
   * then; otherwise the ack that clears the pending count asks again. Many
   * requests while one waits become one.
   */
  #recordConfirmed(): void {
    if (this.#confirmQueued) return
    this.#confirmQueued = true
    this.#writes = this.#writes.then(async () => {
      this.#confirmQueued = false
      if (this.sync.status.pending > 0) return
      try {
        await this.#store.saveConfirmed(this.name, encodeConfirmed(this.doc))
      } catch {
        // Only an optimisation lost: after a restart more counts as pending until confirmed.
      }
    })
  }
}
