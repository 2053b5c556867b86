// Where a client keeps its replicas between app starts. One interface;
// the app chooses the adapter: in memory (tests), a file per doc (Node and
// mobile runtimes with a file system, `@plansync/client-sdk/node`), and
// IndexedDB in browsers.

export interface LocalStore {
  /** The updates stored for a doc, in order (empty for an unknown doc). */
  load(docName: string): Promise<Uint8Array[]>
  /** Appends one update; resolves once it is stored. */
  append(docName: string, update: Uint8Array): Promise<void>
  /** Replaces a doc's updates by one merged state (compaction). */
  replace(docName: string, state: Uint8Array): Promise<void>
  /** Forgets every doc (logout). */
  clear(): Promise<void>
  close(): Promise<void>
}
