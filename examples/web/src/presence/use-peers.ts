// Everyone else present on any of several docs (the planner's calendars),
// re-read when any of their presence changes.
import type { LiveHandle, Peer } from '@plansync/client-sdk'
import { useCallback, useRef, useSyncExternalStore } from 'react'

const NONE: Peer[] = []

export function usePeersOf(handles: readonly LiveHandle[]): Peer[] {
  const cache = useRef<Peer[] | null>(null)
  const subscribe = useCallback(
    (notify: () => void) => {
      cache.current = null
      const offs = handles.map((handle) =>
        handle.presence.onChange(() => {
          cache.current = null
          notify()
        }),
      )
      return () => {
        for (const off of offs) off()
      }
    },
    [handles],
  )
  const snapshot = () => {
    if (handles.length === 0) return NONE
    cache.current ??= handles.flatMap((handle) => handle.presence.peers())
    return cache.current
  }
  return useSyncExternalStore(subscribe, snapshot, snapshot)
}
