// The app-wide sync status in words: saved, saving (with the count of
// changes the server has not yet confirmed), offline, or sign in again.
import type { SyncStatus } from '@plansync/client-sdk'
import { useClientStatus } from '@plansync/client-sdk/react'

export function SyncIndicator() {
  const status = useClientStatus()
  return (
    <p
      className={`sync-status sync-${status.state}`}
      role="status"
      aria-live="polite"
      data-testid="sync-status"
      data-state={status.state}
      data-pending={status.pending}
      title={
        status.lastConfirmedAt
          ? `Last saved ${new Date(status.lastConfirmedAt).toLocaleTimeString()}`
          : undefined
      }
    >
      <span className="dot" aria-hidden="true" />
      {describeStatus(status)}
    </p>
  )
}

export function describeStatus(status: SyncStatus): string {
  const changes = status.pending === 1 ? '1 change' : `${status.pending} changes`
  switch (status.state) {
    case 'synced':
      return status.pending > 0 ? `Saving ${changes}…` : 'All changes saved'
    case 'syncing':
      return status.pending > 0 ? `Syncing, ${changes} to save` : 'Syncing…'
    case 'connecting':
      return status.pending > 0 ? `Connecting, ${changes} to save` : 'Connecting…'
    case 'offline':
      return status.pending > 0 ? `Offline, ${changes} kept on this device` : 'Offline'
    case 'needs-auth':
      return 'Access changed: sign in again'
  }
}
