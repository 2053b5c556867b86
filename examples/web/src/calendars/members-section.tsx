// Who is in a calendar and with which role. Owners change roles, hand over
// ownership and remove members (the server cuts a removed member off live);
// everyone else sees the list.
import type { Calendar, Member } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { useId, useRef } from 'react'
import { useUser } from '../session/session.tsx'
import { ErrorText } from '../ui/error-text.tsx'
import { useAction } from '../ui/use-action.ts'
import { useCalendars } from './calendars.tsx'
import { ConfirmButton } from './confirm-button.tsx'
import { OfflineNote, useOnline } from './offline-note.tsx'
import { ROLE_NAMES } from './roles.ts'
import { useApiData } from './use-api-data.ts'

export function MembersSection(props: { calendar: Calendar }) {
  const { calendar } = props
  const client = usePlansyncClient()
  const headingId = useId()
  const heading = useRef<HTMLHeadingElement>(null)
  const members = useApiData(
    () => client.api.listMembers(calendar.id).then((answer) => answer.members),
    `members:${calendar.id}`,
  )
  const owner = calendar.role === 'owner'

  const afterRemoval = async () => {
    await members.reload()
    heading.current?.focus()
  }

  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        Members
      </h2>
      {members.data === undefined && members.error === null && <p>Loading members…</p>}
      <ErrorText error={members.error} />
      {members.data && (
        <ul className="member-list">
          {members.data.map((member) => (
            <MemberRow
              key={member.userId}
              calendar={calendar}
              member={member}
              manage={owner}
              onChanged={members.reload}
              onRemoved={afterRemoval}
            />
          ))}
        </ul>
      )}
      {owner && <OfflineNote what="Changing members" />}
    </section>
  )
}

function MemberRow(props: {
  calendar: Calendar
  member: Member
  manage: boolean
  onChanged: () => Promise<void>
  onRemoved: () => Promise<void>
}) {
  const { calendar, member } = props
  const client = usePlansyncClient()
  const me = useUser()
  const { refresh } = useCalendars()
  const online = useOnline()
  const roleId = useId()
  const isMe = member.userId === me.id
  const changeable = props.manage && !isMe && member.role !== 'owner'

  const changeRole = useAction(async (role: 'editor' | 'viewer') => {
    await client.api.changeRole(calendar.id, member.userId, role)
    await props.onChanged()
  })
  const transfer = useAction(async () => {
    await client.api.transferOwnership(calendar.id, member.userId)
    await Promise.all([props.onChanged(), refresh()])
  })
  const remove = useAction(async () => {
    await client.api.removeMember(calendar.id, member.userId)
    await props.onRemoved()
  })
  const name = member.displayName || member.username

  return (
    <li className="member" data-testid={`member-${member.username}`}>
      <div className="member-who">
        <strong>{name}</strong>
        {isMe && <span className="tag">you</span>}
        <span className="muted">@{member.username}</span>
      </div>
      {changeable ? (
        <div className="member-role">
          <label htmlFor={roleId} className="visually-hidden">
            Role of {name}
          </label>
          <select
            id={roleId}
            value={member.role}
            disabled={changeRole.busy || !online}
            onChange={(e) => void changeRole.run(e.target.value as 'editor' | 'viewer')}
          >
            <option value="editor">{ROLE_NAMES.editor}</option>
            <option value="viewer">{ROLE_NAMES.viewer}</option>
          </select>
          {changeRole.busy && <span className="muted">Saving…</span>}
        </div>
      ) : (
        <div className="member-role">{ROLE_NAMES[member.role]}</div>
      )}
      {changeable && (
        <div className="member-actions button-row">
          <ConfirmButton
            label="Make owner"
            ariaLabel={`Make ${name} the owner`}
            question={`Make ${name} the owner of ${calendar.name}? You become an editor and can no longer manage members.`}
            confirmLabel="Make owner"
            busyLabel="Handing over…"
            busy={transfer.busy}
            disabled={!online}
            onConfirm={() => transfer.run()}
          />
          <ConfirmButton
            label="Remove"
            ariaLabel={`Remove ${name}`}
            question={`Remove ${name} from ${calendar.name}? They lose access at once, also on pages they have open.`}
            confirmLabel="Remove"
            busyLabel="Removing…"
            busy={remove.busy}
            disabled={!online}
            onConfirm={() => remove.run()}
          />
        </div>
      )}
      <ErrorText error={changeRole.error ?? transfer.error ?? remove.error} />
    </li>
  )
}
