// Something a page reads from the auth API: the last answer, why the last
// read failed (the old answer stays shown), and reload() after a change.
import { useCallback, useEffect, useRef, useState } from 'react'

export interface ApiData<T> {
  /** Undefined until the first answer. */
  data: T | undefined
  error: unknown
  reload(): Promise<void>
}

/** `key` names what `load` depends on: a new key reads again and drops the old answer. */
export function useApiData<T>(load: () => Promise<T>, key: string): ApiData<T> {
  const [state, setState] = useState<{ key: string; data: T | undefined; error: unknown }>({
    key,
    data: undefined,
    error: null,
  })
  const latest = useRef(load)
  latest.current = load
  const current = useRef(key)
  current.current = key

  const reload = useCallback(async () => {
    const asked = key
    try {
      const data = await latest.current()
      if (current.current === asked) setState({ key: asked, data, error: null })
    } catch (error) {
      if (current.current === asked) setState((old) => ({ ...old, key: asked, error }))
    }
  }, [key])

  useEffect(() => {
    void reload()
    // Back online: read again (the last try may have failed for want of a network).
    const onOnline = () => void reload()
    window.addEventListener('online', onOnline)
    return () => window.removeEventListener('online', onOnline)
  }, [reload])

  return state.key === key
    ? { data: state.data, error: state.error, reload }
    : { data: undefined, error: null, reload }
}
