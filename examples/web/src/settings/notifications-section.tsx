// Where reminders and other notifications reach the user: in the app, by
// email, to their webhook. Kept in the user's private prefs doc, so a change
// works offline and reaches their other devices.
import type { PrefsHandle } from '@plansync/client-sdk'
import { useLive, usePrefs } from '@plansync/client-sdk/react'
import { useId } from 'react'
import { Link } from 'react-router'
import { useUser } from '../session/session.tsx'
import { ErrorText } from '../ui/error-text.tsx'

export function NotificationsSection() {
  const user = useUser()
  const headingId = useId()
  const { handle: prefs, error } = usePrefs()
  const current = useLive(prefs, (p) => p.notifications())
  const writable = prefs !== null && prefs.access === 'read-write'

  const set = (change: Parameters<PrefsHandle['setNotifications']>[0]) => {
    prefs?.setNotifications(change)
  }

  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Notifications</h2>
      <p>
        Where reminders, invitations and changes to your calendars reach you. Saved at once, also
        offline, and on your other devices too.
      </p>
      <ErrorText error={error} />
      {!current && !error && <p>Loading your choices…</p>}
      {current && (
        <fieldset className="channels">
          <legend className="visually-hidden">Notify me</legend>
          <div className="channel">
            <label className="inline">
              <input
                type="checkbox"
                name="inApp"
                checked={current.inApp}
                disabled={!writable}
                onChange={(e) => set({ inApp: e.target.checked })}
              />
              In the app, in your <Link to="/inbox">inbox</Link>
            </label>
          </div>
          <div className="channel">
            <label className="inline">
              <input
                type="checkbox"
                name="email"
                checked={current.email}
                disabled={!writable}
                aria-describedby={`${headingId}-email`}
                onChange={(e) => set({ email: e.target.checked })}
              />
              By email
            </label>
            <p className="muted small channel-note" id={`${headingId}-email`}>
              {user.email
                ? `Emails go to ${user.email}, if this plansync server is set up to send mail (SMTP); ask whoever runs it.`
                : 'Your account has no email address, so emails cannot reach you. Email also needs a server set up to send mail (SMTP).'}
            </p>
          </div>
          <div className="channel">
            <label className="inline">
              <input
                type="checkbox"
                name="webhook"
                checked={current.webhook}
                disabled={!writable}
                aria-describedby={`${headingId}-webhook`}
                onChange={(e) => set({ webhook: e.target.checked })}
              />
              To your webhook
            </label>
            <p className="muted small channel-note" id={`${headingId}-webhook`}>
              Needs a webhook address, set below.
            </p>
          </div>
        </fieldset>
      )}
      <h3>Reminders</h3>
      <p>
        Reminders are set per event: in the <Link to="/">calendar</Link>, open an event and choose
        when you want to be reminded (for yourself, or for everyone).
      </p>
    </section>
  )
}
