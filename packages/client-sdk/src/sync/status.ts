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

/** From least to most advanced: the combined state is the least advanced one. */
const ORDER: readonly SyncState[] = ['needs-auth', 'offline', 'connecting', 'syncing', 'synced']

/** Several docs' statuses as one (an app-wide indicator); offline when there are none. */
export function combineStatus(statuses: readonly SyncStatus[]): SyncStatus {
  if (statuses.length === 0) return { state: 'offline', pending: 0, lastConfirmedAt: null }
  let state: SyncState = 'synced'
  let pending = 0
  let lastConfirmedAt: number | null = null
  for (const status of statuses) {
    if (ORDER.indexOf(status.state) < ORDER.indexOf(state)) state = status.state
    pending += status.pending
    if (status.lastConfirmedAt !== null && (lastConfirmedAt ?? 0) < status.lastConfirmedAt) {
      lastConfirmedAt = status.lastConfirmedAt
    }
  }
  return { state, pending, lastConfirmedAt }
}
