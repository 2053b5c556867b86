// Who the user is, as the server knows them.
import { useId } from 'react'
import { useUser } from '../session/session.tsx'

export function ProfileSection() {
  const user = useUser()
  const headingId = useId()
  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Your profile</h2>
      <dl className="facts" data-testid="profile">
        <dt>Name</dt>
        <dd>{user.displayName || user.username}</dd>
        <dt>Username</dt>
        <dd>@{user.username}</dd>
        <dt>Email</dt>
        <dd>{user.email ?? <span className="muted">none given</span>}</dd>
      </dl>
      <p className="muted small">Others find you by your username when they invite you.</p>
    </section>
  )
}
