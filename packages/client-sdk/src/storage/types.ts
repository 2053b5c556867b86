// Where a client keeps its replicas between app starts. One interface;
// the app chooses the adapter: in memory (tests), a file per doc (Node and
// mobile runtimes with a file system, `@plansync/client-sdk/node`), and
// IndexedDB in browsers. Every adapter runs `local-store-suite.ts`.
//
// Beside a doc's updates a store keeps one small record: the state the
// server last confirmed as saved (an encoded Yjs snapshot, see
// `sync/confirmed-state.ts`), so that edits never confirmed still count as
// pending after a restart.

export interface LocalStore {
  /** The updates stored for a doc, in order (empty for an unknown doc). */
  load(docName: string): Promise<Uint8Array[]>
  /** Appends one update; resolves once it is stored. */
  append(docName: string, update: Uint8Array): Promise<void>
  /** Replaces a doc's updates by one merged state (compaction); the confirmed record stays. */
  replace(docName: string, state: Uint8Array): Promise<void>
  /** The doc's confirmed record, or null if there is none yet. */
  loadConfirmed(docName: string): Promise<Uint8Array | null>
  /** Replaces the doc's confirmed record; resolves once it is stored. */
  saveConfirmed(docName: string, record: Uint8Array): Promise<void>
  /** Forgets every doc and record (logout). */
  clear(): Promise<void>
  close(): Promise<void>
}
