// Inviting people (owners and editors): by username or email with a role,
// the invite link to send (copyable), and the pending invites to revoke.
import type { Calendar, Invite } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { TimeAgo } from '../inbox/time-ago.tsx'
import { ErrorText } from '../ui/error-text.tsx'
import { fieldError } from '../ui/errors.ts'
import { useAction } from '../ui/use-action.ts'
import { ConfirmButton } from './confirm-button.tsx'
import { CopyField } from './copy-field.tsx'
import { OfflineNote, useOnline } from './offline-note.tsx'
import { ROLE_NAMES } from './roles.ts'
import { useApiData } from './use-api-data.ts'

type InviteBy = 'username' | 'email'
type InviteRole = 'editor' | 'viewer'

export function InviteSection(props: { calendar: Calendar }) {
  const { calendar } = props
  const client = usePlansyncClient()
  const online = useOnline()
  const headingId = useId()
  const pendingHeading = useRef<HTMLHeadingElement>(null)
  const fresh = useRef<HTMLDivElement>(null)
  const [by, setBy] = useState<InviteBy>('username')
  const [who, setWho] = useState('')
  const [role, setRole] = useState<InviteRole>('editor')
  const [link, setLink] = useState<{ url: string; to: string; by: InviteBy } | null>(null)
  const invites = useApiData(
    () => client.api.listInvites(calendar.id).then((answer) => answer.invites),
    `invites:${calendar.id}`,
  )

  const invite = useAction(async () => {
    const to = who.trim()
    const input = by === 'username' ? { username: to, role } : { email: to, role }
    const answer = await client.api.invite(calendar.id, input)
    setLink({ url: answer.link, to: inviteeOf(answer.invite), by })
    setWho('')
    await invites.reload()
  })
  useEffect(() => {
    if (link) fresh.current?.focus()
  }, [link])
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    setLink(null)
    void invite.run()
  }
  const whoError = fieldError(invite.error, by) ?? fieldError(invite.error, 'username')

  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Invite people</h2>
      <form onSubmit={onSubmit} className="invite-form">
        <fieldset>
          <legend>Invite by</legend>
          <div className="button-row">
            <label className="inline">
              <input
                type="radio"
                name="inviteBy"
                checked={by === 'username'}
                onChange={() => setBy('username')}
              />
              Username
            </label>
            <label className="inline">
              <input
                type="radio"
                name="inviteBy"
                checked={by === 'email'}
                onChange={() => setBy('email')}
              />
              Email address
            </label>
          </div>
        </fieldset>
        <div className="row">
          <label>
            {by === 'username' ? 'Their username' : 'Their email address'}
            <input
              name="invitee"
              type={by === 'email' ? 'email' : 'text'}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              required
              maxLength={by === 'email' ? 254 : 32}
              value={who}
              aria-invalid={whoError ? true : undefined}
              onChange={(e) => setWho(e.target.value)}
            />
          </label>
          <label>
            Role
            <select
              name="role"
              value={role}
              onChange={(e) => setRole(e.target.value as InviteRole)}
            >
              <option value="editor">Editor</option>
              <option value="viewer">Viewer</option>
            </select>
          </label>
        </div>
        <p className="muted hint">
          Editors add and change events and can invite others; viewers only see the events.
        </p>
        {whoError && <p className="field-error">{whoError}</p>}
        <button type="submit" className="primary" disabled={invite.busy || !online}>
          {invite.busy ? 'Creating the link…' : 'Create invite link'}
        </button>
        <OfflineNote what="Inviting" />
        <ErrorText error={invite.error} />
      </form>

      {link && (
        <div className="fresh-secret" ref={fresh} tabIndex={-1}>
          <p>
            <strong>Invite link for {link.to}.</strong>{' '}
            {link.by === 'username'
              ? 'They also find it in their plansync inbox. '
              : 'Send it to them: plansync does not email it. '}
            Anyone with the link can use it once, so share it only with them.
          </p>
          <CopyField label="Invite link" value={link.url} testId="invite-link" />
        </div>
      )}

      <h3 ref={pendingHeading} tabIndex={-1}>
        Waiting for an answer
      </h3>
      <ErrorText error={invites.error} />
      {invites.data?.length === 0 && <p className="muted">No open invites.</p>}
      {invites.data && invites.data.length > 0 && (
        <ul className="plain-list">
          {invites.data.map((pending) => (
            <PendingInvite
              key={pending.id}
              calendarId={calendar.id}
              invite={pending}
              onRevoked={async () => {
                await invites.reload()
                pendingHeading.current?.focus()
              }}
            />
          ))}
        </ul>
      )}
    </section>
  )
}

function PendingInvite(props: {
  calendarId: string
  invite: Invite
  onRevoked: () => Promise<void>
}) {
  const { invite } = props
  const client = usePlansyncClient()
  const online = useOnline()
  const revoke = useAction(async () => {
    await client.api.revokeInvite(props.calendarId, invite.id)
    await props.onRevoked()
  })
  const to = inviteeOf(invite)
  return (
    <li className="list-item" data-testid="pending-invite">
      <div>
        <strong>{to}</strong> as {ROLE_NAMES[invite.role].toLowerCase()}
        <div className="muted small">
          Invited by @{invite.invitedBy}; the link expires <TimeAgo at={invite.expiresAt} />.
        </div>
      </div>
      <ConfirmButton
        label="Revoke"
        ariaLabel={`Revoke the invite for ${to}`}
        question="Revoke this invite? Its link stops working."
        confirmLabel="Revoke"
        busyLabel="Revoking…"
        busy={revoke.busy}
        disabled={!online}
        onConfirm={() => revoke.run()}
      />
      <ErrorText error={revoke.error} />
    </li>
  )
}

/** Whom an invite is for: the account's name and username, or the email address. */
function inviteeOf(invite: Invite): string {
  const { inviteeUsername: username, inviteeDisplayName: name } = invite
  if (username) return name && name !== username ? `${name} (@${username})` : `@${username}`
  // An older server names the account by id only.
  return invite.inviteeEmail ?? 'a plansync account'
}
