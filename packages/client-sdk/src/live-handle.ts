// What every typed handle shares: the doc and its sync status, presence,
// undo and redo of this user's own changes, read-only access for docs a
// newer schema wrote and for viewers, and change, issue and status events.
//
// Schema migrations run once the replica holds the server's state (it has
// synced, now or in an earlier session), never on what happens to be local
// at open: a fresh device would otherwise record a version for data it has
// not seen, concurrently with a newer client's (see @plansync/schema). And
// only once a token in this session granted a role that may write: a
// viewer's migration would never be acknowledged and stay pending forever
// (so a replica synced before migrates when the first token comes, not
// while offline).
import { canWrite, type Role } from '@plansync/protocol'
import {
  accessFor,
  type DocAccess,
  initialMigration,
  migrateDoc,
  SchemaError,
  type SchemaIssue,
} from '@plansync/schema'
import { ObservableV2 } from 'lib0/observable'
import * as Y from 'yjs'
import type { DocHandle } from './doc-handle.ts'
import { Presence } from './presence.ts'
import type { DocSync } from './sync/doc-sync.ts'
import type { SyncStatus } from './sync/status.ts'

export type LiveHandleEvents = {
  /**
   * Something in the doc changed, here or at another client. `what` names
   * the parts: event ids for a calendar; `notes`, `tasks`, `participants`,
   * `seats`, `allocation`, `agenda`, `comments` or `meta` for an event.
   */
  change: (origin: 'local' | 'remote', what: string[]) => void
  /** A stored value was malformed and skipped. */
  issue: (issue: SchemaIssue) => void
  status: (status: SyncStatus) => void
}

type UndoScope = ConstructorParameters<typeof Y.UndoManager>[0]

export class LiveHandle extends ObservableV2<LiveHandleEvents> {
  readonly id: string
  readonly presence: Presence
  readonly undoManager: Y.UndoManager
  #handle: DocHandle
  /** What the doc's schema version allows; the role may restrict it further. */
  #access: DocAccess
  #kind: string
  #migrated = false

  /** `scope`: the shared types whose local changes undo and redo cover. */
  constructor(kind: string, id: string, handle: DocHandle, scope: (doc: Y.Doc) => UndoScope) {
    super()
    this.#kind = kind
    this.id = id
    this.#handle = handle
    this.#access = accessFor(handle.doc)
    this.presence = new Presence(handle.awareness)
    // Only this user's own transactions (origin null) are undone; remote ones never.
    this.undoManager = new Y.UndoManager(scope(handle.doc), { trackedOrigins: new Set([null]) })
    handle.doc.on('afterTransaction', this.#onTransaction)
    handle.on('status', this.#onStatus)
    handle.on('role', this.#onRole)
    this.#migrate()
  }

  get doc(): Y.Doc {
    return this.#handle.doc
  }

  get status(): SyncStatus {
    return this.#handle.status
  }

  /** The doc's connection: `disconnect()` works offline on purpose, `connect()` resumes. */
  get connection(): Pick<DocSync, 'connect' | 'disconnect' | 'retryNow'> {
    return this.#handle.sync
  }

  /**
   * `read-only` when the doc was written by a newer schema than this SDK
   * knows, or this user may only view it (`role`).
   */
  get access(): DocAccess {
    return this.role === 'viewer' ? 'read-only' : this.#access
  }

  /** The role the server grants this user on the doc; null until a token says (offline). */
  get role(): Role | null {
    return this.#handle.role
  }

  undo(): void {
    this.assertWritable()
    this.undoManager.undo()
  }

  redo(): void {
    this.assertWritable()
    this.undoManager.redo()
  }

  async close(): Promise<void> {
    this.#handle.off('status', this.#onStatus)
    this.#handle.off('role', this.#onRole)
    this.doc.off('afterTransaction', this.#onTransaction)
    this.undoManager.destroy()
    await this.#handle.close()
    super.destroy()
  }

  /** Throws before a write to a doc this SDK, or this user, may only read. */
  protected assertWritable(): void {
    if (this.role === 'viewer') {
      throw new SchemaError(
        this.#kind,
        `read-only: you can view this ${this.#kind} but not change it (your role is viewer)`,
      )
    }
    if (this.#access === 'read-only') {
      throw new SchemaError(
        this.#kind,
        'written by a newer version of plansync: open read-only, update the app to edit',
      )
    }
  }

  protected report = (issue: SchemaIssue): void => this.emit('issue', [issue])

  /** The names of the top-level parts a transaction touched (subclasses refine this). */
  protected describeChange(transaction: Y.Transaction): string[] {
    const parts = new Set<string>()
    for (const type of transaction.changedParentTypes.keys()) {
      let top: unknown = type
      while (top instanceof Y.AbstractType && top._item?.parent instanceof Y.AbstractType) {
        top = top._item.parent
      }
      for (const [name, shared] of this.doc.share) if ((shared as unknown) === top) parts.add(name)
    }
    return [...parts].sort()
  }

  /** Migrates once the replica holds the server's state and a token granted writing. */
  #migrate(): void {
    if (this.#migrated || !this.#handle.hasSynced) return
    const role = this.#handle.role
    if (role === null || !canWrite(role)) return
    this.#migrated = true
    this.#access = migrateDoc(this.doc, [initialMigration])
  }

  #onStatus = (status: SyncStatus): void => {
    // The first sync: the replica now holds the server's state.
    if (status.state === 'synced') this.#migrate()
    this.emit('status', [status])
  }

  /** A role granted (a viewer promoted, or the first token after an offline start). */
  #onRole = (): void => this.#migrate()

  #onTransaction = (transaction: Y.Transaction): void => {
    if (transaction.changed.size === 0) return
    // A remote update can carry a newer schema version: stop writing then.
    this.#access = accessFor(this.doc)
    this.emit('change', [transaction.local ? 'local' : 'remote', this.describeChange(transaction)])
  }
}
