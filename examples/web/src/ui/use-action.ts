// Runs an async action from a button or form: busy while it runs, its error
// kept to show (null once it succeeds).
import { useCallback, useState } from 'react'

export function useAction<A extends unknown[]>(
  action: (...args: A) => Promise<unknown>,
): { run: (...args: A) => Promise<boolean>; busy: boolean; error: unknown; reset: () => void } {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const run = useCallback(
    async (...args: A) => {
      setBusy(true)
      setError(null)
      try {
        await action(...args)
        return true
      } catch (caught) {
        setError(caught)
        return false
      } finally {
        setBusy(false)
      }
    },
    [action],
  )
  return { run, busy, error, reset: () => setError(null) }
}
