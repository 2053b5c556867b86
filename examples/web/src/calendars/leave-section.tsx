// Leaving a calendar (anyone; an owner hands ownership over first) and
// deleting it for everyone (owners, after typing its name).
import type { Calendar } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { type FormEvent, useId, useState } from 'react'
import { useNavigate } from 'react-router'
import { useUser } from '../session/session.tsx'
import { ErrorText } from '../ui/error-text.tsx'
import { useAction } from '../ui/use-action.ts'
import { useCalendars } from './calendars.tsx'
import { ConfirmButton } from './confirm-button.tsx'
import { OfflineNote, useOnline } from './offline-note.tsx'

export function LeaveSection(props: { calendar: Calendar }) {
  const { calendar } = props
  const client = usePlansyncClient()
  const me = useUser()
  const { refresh } = useCalendars()
  const navigate = useNavigate()
  const online = useOnline()
  const headingId = useId()
  const owner = calendar.role === 'owner'

  const leave = useAction(async () => {
    await client.api.removeMember(calendar.id, me.id)
    await refresh()
    navigate('/', { replace: true })
  })

  return (
    <section className="card settings-card danger-zone" aria-labelledby={headingId}>
      <h2 id={headingId}>{owner ? 'Leave or delete' : 'Leave this calendar'}</h2>
      <p>
        {owner
          ? 'As its owner, make another member the owner (under Members) before you leave.'
          : 'You lose access at once; to come back, someone has to invite you again.'}
      </p>
      <ConfirmButton
        label={`Leave ${calendar.name}`}
        question={`Leave ${calendar.name}? You lose access at once.`}
        confirmLabel="Leave"
        busyLabel="Leaving…"
        busy={leave.busy}
        disabled={!online}
        onConfirm={() => leave.run()}
      />
      <ErrorText error={leave.error} />
      {owner && <DeleteCalendar calendar={calendar} />}
      <OfflineNote what={owner ? 'Leaving or deleting' : 'Leaving'} />
    </section>
  )
}

function DeleteCalendar(props: { calendar: Calendar }) {
  const { calendar } = props
  const client = usePlansyncClient()
  const { refresh } = useCalendars()
  const navigate = useNavigate()
  const online = useOnline()
  const [typed, setTyped] = useState('')
  const matches = typed.trim() === calendar.name.trim()

  const remove = useAction(async () => {
    await client.api.deleteCalendar(calendar.id)
    await refresh()
    navigate('/', { replace: true })
  })
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (matches) void remove.run()
  }

  return (
    <form className="delete-calendar" onSubmit={onSubmit}>
      <h3>Delete this calendar</h3>
      <p>
        Deleting removes {calendar.name}, its events, members and invites for everyone. It cannot be
        undone.
      </p>
      <label>
        Type the calendar’s name, <strong>{calendar.name}</strong>, to confirm
        <input
          name="confirmName"
          autoComplete="off"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
      </label>
      <button type="submit" className="danger" disabled={!matches || remove.busy || !online}>
        {remove.busy ? 'Deleting…' : 'Delete for everyone'}
      </button>
      <ErrorText error={remove.error} />
    </form>
  )
}
