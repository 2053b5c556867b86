// The sync status of every doc the app has open, as one value (for an
// app-wide indicator: offline banner, pending count, last saved).
import { useCallback, useRef, useSyncExternalStore } from 'react'
import type { SyncStatus } from '../sync/status.ts'
import { usePlansyncClient } from './provider.ts'

export function useClientStatus(): SyncStatus {
  const client = usePlansyncClient()
  const cache = useRef<SyncStatus | null>(null)
  const subscribe = useCallback(
    (notify: () => void) =>
      client.onStatus(() => {
        cache.current = null
        notify()
      }),
    [client],
  )
  const snapshot = (): SyncStatus => {
    const fresh = client.status()
    const last = cache.current
    // The same object while nothing changed, as useSyncExternalStore requires.
    if (
      last &&
      last.state === fresh.state &&
      last.pending === fresh.pending &&
      last.lastConfirmedAt === fresh.lastConfirmedAt
    ) {
      return last
    }
    cache.current = fresh
    return fresh
  }
  return useSyncExternalStore(subscribe, snapshot, snapshot)
}
