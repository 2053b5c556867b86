// The relay between sync-server instances that hold the same doc. Only
// durable updates are published (after the storage commit), so storage is
// the truth: whenever a receiver cannot be sure it saw everything (a gap in
// the log, Redis restarted, the publisher had to drop entries) it is told to
// resync the affected docs from storage instead of trusting what it got.

export interface RelayHandlers {
  /** A durable update of `docName` made on another instance. */
  onUpdate(docName: string, update: Uint8Array): void
  /** Entries may be missing: reload `docNames` from storage (null: every doc held). */
  onResync(docNames: ((docName: string) => boolean) | null): void
}

export interface Relay {
  /** Starts receiving. Entries published before start are not delivered. */
  start(handlers: RelayHandlers): Promise<void>
  /** Queues a durable update for the other instances; never throws, retries while Redis is away. */
  publish(docName: string, update: Uint8Array): void
  /** Resolves once everything queued was handed to Redis (or `timeoutMs` passed). */
  drain(timeoutMs: number): Promise<boolean>
  close(): Promise<void>
}
