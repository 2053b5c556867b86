// Reads a live handle the React way: `read` runs again only after the doc
// changed (here or remotely) or its sync status moved, and returns the same
// value in between, as useSyncExternalStore requires of a snapshot.
import { useCallback, useRef, useSyncExternalStore } from 'react'
import type { LiveHandle } from '../live-handle.ts'

interface Cached<T> {
  handle: LiveHandle
  version: number
  key: string
  value: T
}

/**
 * `key` names what `read` depends on besides the handle (e.g. a date range),
 * so a new range reads again. Undefined while the handle is still opening.
 */
export function useLive<H extends LiveHandle, T>(
  handle: H | null,
  read: (handle: H) => T,
  key = '',
): T | undefined {
  const version = useRef(0)
  const cache = useRef<Cached<T> | null>(null)
  const subscribe = useCallback(
    (notify: () => void) => {
      if (!handle) return () => {}
      const bump = () => {
        version.current += 1
        notify()
      }
      handle.on('change', bump)
      handle.on('status', bump)
      return () => {
        handle.off('change', bump)
        handle.off('status', bump)
      }
    },
    [handle],
  )
  const snapshot = (): T | undefined => {
    if (!handle) return undefined
    const cached = cache.current
    if (cached?.handle === handle && cached.version === version.current && cached.key === key) {
      return cached.value
    }
    const value = read(handle)
    cache.current = { handle, version: version.current, key, value }
    return value
  }
  return useSyncExternalStore(subscribe, snapshot, snapshot)
}
