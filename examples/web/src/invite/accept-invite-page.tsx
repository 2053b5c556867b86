// An invite link (/invite/<secret>): what it offers, then join or decline.
// Signed-out visitors sign in or sign up first and come back here.
import type { Invite } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { useEffect, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { useCalendars } from '../calendars/calendars.tsx'
import { ErrorText } from '../ui/error-text.tsx'
import { useAction } from '../ui/use-action.ts'

export function AcceptInvitePage() {
  const { secret = '' } = useParams()
  const client = usePlansyncClient()
  const { refresh } = useCalendars()
  const navigate = useNavigate()
  const [invite, setInvite] = useState<Invite | null>(null)
  const [loadError, setLoadError] = useState<unknown>(null)

  useEffect(() => {
    client.api.viewInvite(secret).then(
      (result) => setInvite(result.invite),
      (error: unknown) => setLoadError(error),
    )
  }, [client, secret])

  const accept = useAction(async () => {
    await client.api.acceptInvite(secret)
    await refresh()
    navigate('/', { replace: true })
  })
  const decline = useAction(async () => {
    await client.api.declineInvite(secret)
    navigate('/', { replace: true })
  })

  return (
    <section className="page narrow">
      <h1>Invitation</h1>
      {loadError !== null && (
        <>
          <ErrorText error={loadError} />
          <p>
            <Link to="/">Back to your calendars</Link>
          </p>
        </>
      )}
      {!invite && loadError === null && <p>Opening the invitation…</p>}
      {invite && (
        <div className="card">
          <p>
            You are invited to join <strong>{invite.calendarName}</strong> as{' '}
            {invite.role === 'editor'
              ? 'an editor (you can add and change events)'
              : 'a viewer (you can see events)'}
            .
          </p>
          <div className="button-row">
            <button
              type="button"
              className="primary"
              disabled={accept.busy}
              onClick={() => void accept.run()}
            >
              Join {invite.calendarName}
            </button>
            <button type="button" disabled={decline.busy} onClick={() => void decline.run()}>
              Decline
            </button>
          </div>
          <ErrorText error={accept.error ?? decline.error} />
        </div>
      )}
    </section>
  )
}
