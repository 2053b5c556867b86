// Warns before the page closes while edits are not yet confirmed by the
// server (they are safe in the local store, but not yet shared).
import { useEffect } from 'react'
import { usePlansyncClient } from './provider.ts'

export function useUnsavedChangesGuard(): void {
  const client = usePlansyncClient()
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (client.hasUnsavedChanges()) event.preventDefault()
    }
    globalThis.addEventListener?.('beforeunload', onBeforeUnload)
    return () => globalThis.removeEventListener?.('beforeunload', onBeforeUnload)
  }, [client])
}
