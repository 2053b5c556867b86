// The storage seam: an append-only update log plus snapshots, per doc.
//
// Every implementation (SQLite, Postgres) runs the same suite,
// `store-suite.ts`. A doc's state is its newest snapshot merged with every
// log row appended after it; compaction writes a new snapshot row and
// deletes the rows (and older snapshots) it covers in one transaction, so a
// crash at any point leaves either the old or the new picture, never a mix.

export interface AppendEntry {
  docName: string
  /** A Yjs v1 update, already validated by the server. */
  update: Uint8Array
}

export interface StoredDoc {
  /** The newest snapshot (a merged Yjs v1 update), or null if none yet. */
  snapshot: Uint8Array | null
  /** Log rows appended after that snapshot, oldest first. */
  updates: Uint8Array[]
}

export interface LogStats {
  /** Log rows not yet merged into a snapshot. */
  rows: number
  /** Their total size in bytes. */
  bytes: number
}

export interface CompactionResult {
  /** Log rows merged into the new snapshot (0 when there was nothing to do). */
  mergedRows: number
  /** Size of the new snapshot in bytes (0 when nothing was written). */
  snapshotBytes: number
}

/**
 * A fencing token (cluster/lease.ts) for writes that must come from the
 * current lease holder only. The store keeps the highest token it has seen
 * per doc and refuses, with StaleFenceError and nothing written, a write
 * carrying a lower one, in the same transaction as the write.
 */
export interface WriteOptions {
  fence?: number
}

export class StaleFenceError extends Error {
  constructor(docName: string, token: number) {
    super(`fencing token ${token} for ${docName} is older than one already used`)
    this.name = 'StaleFenceError'
  }
}

export interface DocStore {
  /** Which implementation this is, for logs and metrics. */
  readonly kind: 'sqlite' | 'postgres'
  /** Creates tables if needed. Idempotent; called once before use. */
  migrate(): Promise<void>
  /** Reads a doc's newest snapshot and the log tail after it. */
  load(docName: string): Promise<StoredDoc>
  /**
   * Appends updates for any number of docs in ONE transaction (group
   * commit). Resolves only after the commit is durable; rejects without
   * having stored any of them. With a fence, every doc in `entries` is
   * checked against it (see WriteOptions).
   */
  append(entries: readonly AppendEntry[], options?: WriteOptions): Promise<void>
  /** Unmerged log rows and bytes of one doc. */
  logStats(docName: string): Promise<LogStats>
  /** Unmerged log rows across all docs (a gauge for metrics). */
  totalLogRows(): Promise<number>
  /**
   * Merges the newest snapshot and the log tail into a new snapshot row
   * (the store's MergeFunction, see merge.ts), then in one transaction
   * inserts it and deletes the merged rows and the superseded snapshot.
   * Rows appended concurrently (after the tail was read) are left in the
   * log; if the doc was compacted or deleted meanwhile, nothing is written.
   * With a fence, a stale token rejects with StaleFenceError.
   */
  compact(docName: string, options?: WriteOptions): Promise<CompactionResult>
  /**
   * The highest fencing token a write of the doc carried (0 if none): where
   * a lease's token counter must start if Redis lost it (cluster/lease.ts).
   */
  fenceOf(docName: string): Promise<number>
  /** Deletes everything stored for a doc. */
  deleteDoc(docName: string): Promise<void>
  /** Throws if storage is unreachable (readiness probe). */
  ping(): Promise<void>
  /** Closes connections/handles. Further calls reject. */
  close(): Promise<void>
}
