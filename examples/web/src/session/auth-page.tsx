// Sign in and sign up: one form, two modes. After signing in the user goes
// where they were headed (an invite link, say).
import { type FormEvent, useState } from 'react'
import { Link, Navigate, useLocation } from 'react-router'
import { ErrorText } from '../ui/error-text.tsx'
import { fieldError } from '../ui/errors.ts'
import { useAction } from '../ui/use-action.ts'
import { useSession } from './session.tsx'

export function AuthPage(props: { mode: 'sign-in' | 'sign-up' }) {
  const session = useSession()
  const location = useLocation()
  const next = (location.state as { next?: string } | null)?.next ?? '/'
  const [form, setForm] = useState({
    username: session.expired?.username ?? '',
    password: '',
    displayName: '',
    email: '',
  })
  const signingUp = props.mode === 'sign-up'
  const submit = useAction(async () => {
    if (signingUp) {
      await session.signUp({
        username: form.username.trim(),
        password: form.password,
        displayName: form.displayName.trim() || undefined,
        email: form.email.trim() || undefined,
      })
    } else {
      await session.signIn({ username: form.username.trim(), password: form.password })
    }
  })
  if (session.user) return <Navigate to={next} replace />

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    void submit.run()
  }
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value })
  const title = signingUp ? 'Create your account' : 'Sign in to plansync'

  return (
    <main className="auth-page">
      <h1>
        <img src="/icon.svg" alt="" width="40" height="40" /> plansync
      </h1>
      <p className="tagline">
        Shared calendars for families, friends and teams, online and offline.
      </p>
      <form onSubmit={onSubmit} className="card auth-form" aria-labelledby="auth-title">
        <h2 id="auth-title">{title}</h2>
        {session.expired && !signingUp && (
          <p className="notice" role="status">
            Your session ended (a password change or a sign-out on another device, say). Sign in
            again as <strong>{session.expired.username}</strong> to go on: what you changed on this
            device is kept and shared once you are back. Signing in as someone else removes it from
            this device.
          </p>
        )}
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            required
            minLength={3}
            maxLength={32}
            value={form.username}
            onChange={set('username')}
            aria-invalid={fieldError(submit.error, 'username') ? true : undefined}
          />
        </label>
        <FieldHint error={submit.error} field="username" />
        {signingUp && (
          <>
            <label>
              Your name <span className="muted">(shown to people you plan with)</span>
              <input
                name="displayName"
                autoComplete="name"
                maxLength={80}
                value={form.displayName}
                onChange={set('displayName')}
              />
            </label>
            <label>
              Email <span className="muted">(optional, for reminders by email)</span>
              <input
                name="email"
                type="email"
                autoComplete="email"
                value={form.email}
                onChange={set('email')}
              />
            </label>
            <FieldHint error={submit.error} field="email" />
          </>
        )}
        <label>
          Password {signingUp && <span className="muted">(at least 10 characters)</span>}
          <input
            name="password"
            type="password"
            autoComplete={signingUp ? 'new-password' : 'current-password'}
            required
            minLength={signingUp ? 10 : 1}
            value={form.password}
            onChange={set('password')}
          />
        </label>
        <FieldHint error={submit.error} field="password" />
        <ErrorText error={submit.error} />
        <button type="submit" className="primary" disabled={submit.busy}>
          {submit.busy ? 'Please wait…' : signingUp ? 'Create account' : 'Sign in'}
        </button>
        <p>
          {signingUp ? (
            <>
              Have an account?{' '}
              <Link to="/signin" state={location.state}>
                Sign in
              </Link>
            </>
          ) : (
            <>
              New here?{' '}
              <Link to="/signup" state={location.state}>
                Create an account
              </Link>
            </>
          )}
        </p>
      </form>
    </main>
  )
}

function FieldHint(props: { error: unknown; field: string }) {
  const message = fieldError(props.error, props.field)
  return message ? <p className="field-error">{message}</p> : null
}
