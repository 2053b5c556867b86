// Signing out on this device, with a warning while changes are still
// waiting for the server (signing out clears this device's copies).
import { useClientStatus } from '@plansync/client-sdk/react'
import { useId } from 'react'
import { useSession } from '../session/session.tsx'
import { useAction } from '../ui/use-action.ts'

export function SignOutSection() {
  const session = useSession()
  const status = useClientStatus()
  const headingId = useId()
  const signOut = useAction(() => session.signOut())
  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Sign out</h2>
      <p>Signing out removes your calendars’ copies from this device.</p>
      {status.pending > 0 && (
        <p className="problem" role="alert">
          <strong>Not everything is saved yet:</strong>{' '}
          {status.pending === 1 ? '1 change is' : `${status.pending} changes are`} still waiting for
          the server. Signing out now loses {status.pending === 1 ? 'it' : 'them'}.
        </p>
      )}
      <button type="button" disabled={signOut.busy} onClick={() => void signOut.run()}>
        {signOut.busy ? 'Signing out…' : 'Sign out on this device'}
      </button>
    </section>
  )
}
