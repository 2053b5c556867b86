// A list read from the auth API and kept in localStorage, so the app shows
// it offline: read when the page opens, when the network or the window comes
// back (and every `everyMs`, if given), and on refresh(). A failed read
// keeps the last list and says why.
import { useCallback, useEffect, useState } from 'react'

export interface KeptList<T> {
  /** Null until the first answer, unless a kept list was there. */
  list: T[] | null
  /** Why the last read failed; the kept list stays. */
  error: unknown
  refresh(): Promise<void>
}

export function useKeptList<T>(
  key: string,
  load: () => Promise<T[]>,
  options: {
    /** Which kept items are still sound (localStorage is anyone's to edit). */
    isItem: (value: unknown) => value is T
    /** A failed read the caller handles itself (a 401, say): then nothing else happens. */
    onError?: (error: unknown) => boolean
    everyMs?: number
  },
): KeptList<T> {
  const { isItem, onError, everyMs } = options
  const [state, setState] = useState(() => ({
    key,
    list: readKept(key, isItem),
    error: null as unknown,
  }))
  // Another key (another user or calendar): its own kept list at once.
  const current = state.key === key ? state : { key, list: readKept(key, isItem), error: null }

  const refresh = useCallback(async () => {
    try {
      const fresh = await load()
      localStorage.setItem(key, JSON.stringify(fresh))
      setState({ key, list: fresh, error: null })
    } catch (error) {
      if (onError?.(error)) return
      setState((old) => ({
        key,
        list: (old.key === key ? old.list : readKept(key, isItem)) ?? [],
        error,
      }))
    }
  }, [key, load, isItem, onError])

  useEffect(() => {
    void refresh()
    const onBack = () => void refresh()
    window.addEventListener('online', onBack)
    window.addEventListener('focus', onBack)
    const timer = everyMs ? setInterval(onBack, everyMs) : undefined
    return () => {
      window.removeEventListener('online', onBack)
      window.removeEventListener('focus', onBack)
      clearInterval(timer)
    }
  }, [refresh, everyMs])

  return { list: current.list, error: current.error, refresh }
}

function readKept<T>(key: string, isItem: (value: unknown) => value is T): T[] | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? 'null')
    return Array.isArray(value) ? value.filter(isItem) : null
  } catch {
    return null
  }
}
