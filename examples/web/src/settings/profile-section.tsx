// Who the user is, as the server knows them: the name others see and the
// email reminders go to can change (online); the username cannot.
import { ApiError, type User } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { type FormEvent, useId, useState } from 'react'
import { OfflineNote, useOnline } from '../calendars/offline-note.tsx'
import { useSession, useUser } from '../session/session.tsx'
import { ErrorText } from '../ui/error-text.tsx'
import { useAction } from '../ui/use-action.ts'

interface Draft {
  displayName: string
  email: string
}

const draftOf = (user: User): Draft => ({ displayName: user.displayName, email: user.email ?? '' })

/** Only what differs from the saved profile; an empty email removes it. */
function changesOf(draft: Draft, user: User): { displayName?: string; email?: string | null } {
  const displayName = draft.displayName.trim()
  const email = draft.email.trim()
  return {
    ...(displayName !== user.displayName ? { displayName } : {}),
    ...(email.toLowerCase() !== (user.email ?? '') ? { email: email === '' ? null : email } : {}),
  }
}

/** The server's complaints about the profile fields, in plain words. */
function fieldErrors(error: unknown): Partial<Draft> {
  if (!(error instanceof ApiError)) return {}
  if (error.code === 'email_taken') {
    return { email: 'Another account already uses this email address.' }
  }
  return {
    ...(error.fields?.displayName ? { displayName: 'Enter a name of 1 to 80 characters.' } : {}),
    ...(error.fields?.email
      ? { email: 'Enter an email address such as name@example.org, or leave it empty.' }
      : {}),
  }
}

export function ProfileSection() {
  const user = useUser()
  const session = useSession()
  const client = usePlansyncClient()
  const online = useOnline()
  const headingId = useId()
  const nameHint = useId()
  const emailHint = useId()
  const [draft, setDraft] = useState(() => draftOf(user))
  const [shown, setShown] = useState(user)
  const [saved, setSaved] = useState(false)
  // The kept user was refreshed from the server (at start, say): follow it
  // unless the user has started editing.
  if (shown !== user) {
    setShown(user)
    const untouched = draft.displayName === shown.displayName && draft.email === (shown.email ?? '')
    if (untouched) setDraft(draftOf(user))
  }

  const changes = changesOf(draft, user)
  const changed = Object.keys(changes).length > 0
  const save = useAction(async () => {
    const answer = await client.api.updateProfile(changes)
    setDraft(draftOf(answer.user))
    await session.refreshUser()
  })
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    setSaved(false)
    setSaved(await save.run())
  }
  const edit = (key: keyof Draft) => (event: { target: { value: string } }) => {
    setSaved(false)
    setDraft({ ...draft, [key]: event.target.value })
  }
  const errors = fieldErrors(save.error)
  const fieldFailed = errors.displayName !== undefined || errors.email !== undefined

  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Your profile</h2>
      <dl className="facts" data-testid="profile">
        <dt>Username</dt>
        <dd>@{user.username}</dd>
      </dl>
      <p className="muted small">
        Others find you by your username when they invite you. It cannot be changed.
      </p>
      <form onSubmit={onSubmit} className="profile-form">
        <label>
          Your name
          <input
            name="displayName"
            autoComplete="name"
            required
            maxLength={80}
            value={draft.displayName}
            aria-describedby={nameHint}
            aria-invalid={errors.displayName ? true : undefined}
            onChange={edit('displayName')}
          />
        </label>
        {errors.displayName && <p className="field-error">{errors.displayName}</p>}
        <p className="muted hint" id={nameHint}>
          Shown to the people you plan with.
        </p>
        <label>
          Email
          <input
            name="email"
            type="email"
            autoComplete="email"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={254}
            value={draft.email}
            aria-describedby={emailHint}
            aria-invalid={errors.email ? true : undefined}
            onChange={edit('email')}
          />
        </label>
        {errors.email && <p className="field-error">{errors.email}</p>}
        <p className="muted hint" id={emailHint}>
          For reminders by email and invites sent to this address; others do not see it. Leave it
          empty to remove it.
        </p>
        <div className="button-row">
          <button type="submit" className="primary" disabled={save.busy || !online || !changed}>
            {save.busy ? 'Saving…' : 'Save profile'}
          </button>
          <span role="status" className="saved-note">
            {saved && !changed ? 'Saved.' : ''}
          </span>
        </div>
        <OfflineNote what="Changing your profile" />
        {!fieldFailed && <ErrorText error={save.error} />}
      </form>
    </section>
  )
}
