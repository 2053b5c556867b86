// Sync status as a value: where a doc's connection stands, how many local
// changes the server has not yet confirmed as saved, and when it last did.

export type SyncState = 'offline' | 'connecting' | 'syncing' | 'synced' | 'needs-auth'

export interface SyncStatus {
  state: SyncState
  /** Local updates not yet confirmed durable by the server. */
  pending: number
  /** When the server last confirmed a local update as saved (epoch ms), or null. */
  lastConfirmedAt: number | null
}
