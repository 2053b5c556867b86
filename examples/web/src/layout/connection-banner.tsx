// A banner while the browser is offline (edits keep working and are kept on
// this device), or when the server refused access to something open.
import { useClientStatus } from '@plansync/client-sdk/react'
import { useEffect, useState, useSyncExternalStore } from 'react'

function subscribeOnline(notify: () => void) {
  window.addEventListener('online', notify)
  window.addEventListener('offline', notify)
  return () => {
    window.removeEventListener('online', notify)
    window.removeEventListener('offline', notify)
  }
}

export function useOnline(): boolean {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine)
}

/** True once `flag` has held for `ms` (no banner flashing while a doc connects). */
function useHeld(flag: boolean, ms: number): boolean {
  const [held, setHeld] = useState(false)
  useEffect(() => {
    if (!flag) {
      setHeld(false)
      return
    }
    const timer = setTimeout(() => setHeld(true), ms)
    return () => clearTimeout(timer)
  }, [flag, ms])
  return held
}

export function ConnectionBanner() {
  const online = useOnline()
  const status = useClientStatus()
  const unreachable = useHeld(status.state === 'offline', 2000)
  // A page may fix a refusal itself (an event registered late): only a lasting one is news.
  const refused = useHeld(status.state === 'needs-auth', 5000)
  if (!online || unreachable) {
    return (
      <div className="banner banner-offline" role="status" data-testid="offline-banner">
        <strong>You are offline.</strong> Keep planning: your changes are kept on this device and
        shared when the connection returns.
      </div>
    )
  }
  if (refused) {
    return (
      <div className="banner banner-warning" role="alert">
        Your access to something open here changed (you may have been removed from a calendar, or
        signed out elsewhere). <a href="/">Reload your calendars</a>
      </div>
    )
  }
  return null
}
