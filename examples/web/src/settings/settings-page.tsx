// The user's own settings (/settings): profile, password, where notifications
// go, the webhook endpoint, feed links of all calendars, and signing out.
import { useId } from 'react'
import { Link } from 'react-router'
import { FeedLinks } from '../calendars/feed-links.tsx'
import { NotificationsSection } from './notifications-section.tsx'
import { PasswordSection } from './password-section.tsx'
import { ProfileSection } from './profile-section.tsx'
import { SignOutSection } from './sign-out-section.tsx'
import { WebhookSection } from './webhook-section.tsx'
import '../calendars/calendar-settings.css'
import './settings.css'

export function SettingsPage() {
  const feedsHeading = useId()
  return (
    <div className="page narrow user-settings">
      <h1>Settings</h1>
      <ProfileSection />
      <PasswordSection />
      <NotificationsSection />
      <WebhookSection />
      <section className="card settings-card" aria-labelledby={feedsHeading}>
        <h2 id={feedsHeading}>All your calendars in other apps</h2>
        <p className="muted">
          One feed link with the events of every calendar you belong to. For one calendar only, use
          the feed links in <Link to="/">that calendar’s settings</Link> (⚙ beside its name).
        </p>
        <FeedLinks calendarId={null} />
      </section>
      <SignOutSection />
    </div>
  )
}
