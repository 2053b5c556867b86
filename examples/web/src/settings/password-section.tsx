// Changing the password: the current one, then the new one twice. This
// device stays signed in; the server ends every other session at once, and
// pages open there lose access and must sign in again with the new password.
import { ApiError } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { type FormEvent, useId, useState } from 'react'
import { OfflineNote, useOnline } from '../calendars/offline-note.tsx'
import { useUser } from '../session/session.tsx'
import { ErrorText } from '../ui/error-text.tsx'
import { useAction } from '../ui/use-action.ts'

interface Draft {
  current: string
  next: string
  repeat: string
}

const EMPTY: Draft = { current: '', next: '', repeat: '' }

/** What went wrong, field by field, in plain words; `form` for the rest. */
function problemsOf(error: unknown): Partial<Draft> & { form?: string } {
  if (!(error instanceof ApiError)) return {}
  if (error.code === 'invalid_credentials') return { current: 'That is not your current password.' }
  if (error.code === 'rate_limited') {
    const minutes = Math.max(1, Math.ceil((error.retryAfterMs ?? 60_000) / 60_000))
    return {
      form: `Too many tries with a wrong current password. Wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`} and try again.`,
    }
  }
  const next = error.fields?.newPassword
  return {
    ...(error.fields?.currentPassword ? { current: 'Enter your current password.' } : {}),
    ...(next
      ? {
          next: next.includes('username')
            ? 'Your new password must not be your username.'
            : 'Use 10 to 256 characters. A few unrelated words make a strong password.',
        }
      : {}),
  }
}

export function PasswordSection() {
  const client = usePlansyncClient()
  const user = useUser()
  const online = useOnline()
  const headingId = useId()
  const consequence = useId()
  const nextHint = useId()
  const [draft, setDraft] = useState<Draft>(EMPTY)
  const [mismatch, setMismatch] = useState(false)
  const [done, setDone] = useState(false)

  const change = useAction(async () => {
    await client.api.changePassword({ currentPassword: draft.current, newPassword: draft.next })
    setDraft(EMPTY)
  })
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    setDone(false)
    change.reset()
    if (draft.next !== draft.repeat) {
      setMismatch(true)
      return
    }
    setDone(await change.run())
  }
  const edit = (key: keyof Draft) => (event: { target: { value: string } }) => {
    setDone(false)
    if (key !== 'current') setMismatch(false)
    setDraft({ ...draft, [key]: event.target.value })
  }
  const problems = problemsOf(change.error)
  const repeatProblem = mismatch ? 'The two new passwords are not the same.' : undefined
  const fieldFailed = Object.keys(problems).length > 0

  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Password</h2>
      <p id={consequence}>
        Changing your password signs you out everywhere else. Pages open on your other devices and
        browsers lose access at once and ask for the new password; changes made there that have not
        reached the server yet are kept on that device and shared once you sign in there again. You
        stay signed in here.
      </p>
      <form onSubmit={onSubmit} className="password-form" aria-describedby={consequence}>
        {/* For password managers: which account this password belongs to. */}
        <input
          type="text"
          name="username"
          autoComplete="username"
          value={user.username}
          readOnly
          hidden
        />
        <label>
          Current password
          <input
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            maxLength={256}
            value={draft.current}
            aria-invalid={problems.current ? true : undefined}
            onChange={edit('current')}
          />
        </label>
        {problems.current && <p className="field-error">{problems.current}</p>}
        <label>
          New password
          <input
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            maxLength={256}
            value={draft.next}
            aria-describedby={nextHint}
            aria-invalid={problems.next ? true : undefined}
            onChange={edit('next')}
          />
        </label>
        {problems.next && <p className="field-error">{problems.next}</p>}
        <p className="muted hint" id={nextHint}>
          At least 10 characters, not your username.
        </p>
        <label>
          New password again
          <input
            name="repeatPassword"
            type="password"
            autoComplete="new-password"
            required
            maxLength={256}
            value={draft.repeat}
            aria-invalid={repeatProblem ? true : undefined}
            onChange={edit('repeat')}
          />
        </label>
        {repeatProblem && <p className="field-error">{repeatProblem}</p>}
        <div className="button-row">
          <button type="submit" className="primary" disabled={change.busy || !online}>
            {change.busy ? 'Changing the password…' : 'Change password'}
          </button>
        </div>
        <p role="status" className="saved-note">
          {done ? 'Password changed. Your other devices and browsers are signed out.' : ''}
        </p>
        <OfflineNote what="Changing your password" />
        {problems.form && (
          <p className="error" role="alert">
            {problems.form}
          </p>
        )}
        {!fieldFailed && <ErrorText error={change.error} />}
      </form>
    </section>
  )
}
