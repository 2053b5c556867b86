// A calendar's settings (/calendars/:calendarId/settings): what it is, who is
// in it, inviting, feed links, import and followed addresses, leaving and
// deleting. What shows depends on the user's role in it.
import type { Calendar } from '@plansync/client-sdk'
import { useEffect, useState } from 'react'
import { Link, useParams } from 'react-router'
import { ErrorText } from '../ui/error-text.tsx'
import { CalendarInfoSection } from './calendar-info-section.tsx'
import { useCalendars } from './calendars.tsx'
import { FeedSection } from './feed-section.tsx'
import { ImportSection } from './import-section.tsx'
import { InviteSection } from './invite-section.tsx'
import { LeaveSection } from './leave-section.tsx'
import { MembersSection } from './members-section.tsx'
import { ROLE_AS, ROLE_MEANINGS } from './roles.ts'
import { SubscriptionsSection } from './subscriptions-section.tsx'
import './calendar-settings.css'

export function CalendarSettingsPage() {
  const { calendarId = '' } = useParams()
  const { byId, loading, error, refresh } = useCalendars()
  const calendar = byId(calendarId)
  // The kept list may be old (a role changed, access ended): ask once more
  // before showing what needs a role, so nobody sees controls they lost.
  const [checked, setChecked] = useState(false)
  useEffect(() => {
    void refresh().finally(() => setChecked(true))
  }, [refresh])

  if (!calendar) {
    return (
      <section className="page narrow">
        <h1>{loading ? 'Opening the calendar…' : 'Calendar not found'}</h1>
        {!loading && (
          <p>
            You are not a member of this calendar, or it was deleted. <ErrorText error={error} />
          </p>
        )}
        <p>
          <Link to="/">Back to your calendars</Link>
        </p>
      </section>
    )
  }
  // A new calendar starts with fresh forms.
  return <CalendarSettings key={calendar.id} calendar={calendar} checked={checked} />
}

function CalendarSettings(props: { calendar: Calendar; checked: boolean }) {
  const { calendar } = props
  // Until the role is confirmed, everything shows as to a viewer.
  const shown: Calendar = props.checked ? calendar : { ...calendar, role: 'viewer' }
  const canEdit = shown.role !== 'viewer'
  return (
    <div className="page narrow calendar-settings">
      <p>
        <Link to="/">← Back to the calendar</Link>
      </p>
      <h1 className="settings-title">
        <span className="swatch" style={{ background: calendar.colour }} aria-hidden="true" />
        {calendar.name}
      </h1>
      <p className="muted" data-testid="my-role">
        You are {ROLE_AS[calendar.role]}: {ROLE_MEANINGS[calendar.role]}.
      </p>
      <CalendarInfoSection key={shown.role} calendar={shown} />
      <MembersSection calendar={shown} />
      {canEdit && <InviteSection calendar={shown} />}
      <FeedSection calendarId={calendar.id} />
      {canEdit && <ImportSection calendar={shown} />}
      {canEdit && <SubscriptionsSection calendar={shown} />}
      <LeaveSection calendar={shown} />
    </div>
  )
}
