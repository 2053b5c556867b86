// Routes: sign-in and sign-up, invite links, and the signed-in app (planner,
// event planning spaces, calendar settings, inbox, settings).
import type { PlansyncClient } from '@plansync/client-sdk'
import { lazy, Suspense } from 'react'
import { BrowserRouter, Navigate, Outlet, Route, Routes, useLocation } from 'react-router'
import { CalendarsProvider } from './calendars/calendars.tsx'
import { AcceptInvitePage } from './invite/accept-invite-page.tsx'
import { AppShell } from './layout/app-shell.tsx'
import { EventLinkPage } from './planner/event-link-page.tsx'
import { PlannerPage } from './planner/planner-page.tsx'
import { AuthPage } from './session/auth-page.tsx'
import { SessionProvider, useSession } from './session/session.tsx'

// Pages beyond the planner load on first use (the notes editor is large);
// the service worker precaches them all, so they open offline too.
const EventPage = lazy(() =>
  import('./event/event-page.tsx').then((m) => ({ default: m.EventPage })),
)
const CalendarSettingsPage = lazy(() =>
  import('./calendars/calendar-settings-page.tsx').then((m) => ({
    default: m.CalendarSettingsPage,
  })),
)
const InboxPage = lazy(() =>
  import('./inbox/inbox-page.tsx').then((m) => ({ default: m.InboxPage })),
)
const SettingsPage = lazy(() =>
  import('./settings/settings-page.tsx').then((m) => ({ default: m.SettingsPage })),
)

export function App(props: { client: PlansyncClient }) {
  return (
    <SessionProvider client={props.client}>
      <BrowserRouter>
        <Routes>
          <Route path="/signin" element={<AuthPage mode="sign-in" />} />
          <Route path="/signup" element={<AuthPage mode="sign-up" />} />
          <Route element={<SignedIn />}>
            <Route index element={<PlannerPage />} />
            <Route path="invite/:secret" element={<AcceptInvitePage />} />
            <Route path="calendars/:calendarId/settings" element={<CalendarSettingsPage />} />
            <Route path="calendars/:calendarId/events/:eventId" element={<EventPage />} />
            <Route path="events/:eventId" element={<EventLinkPage />} />
            <Route path="inbox" element={<InboxPage />} />
            <Route path="settings" element={<SettingsPage />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  )
}

/** Everything below needs a user: others are sent to sign in and brought back after. */
function SignedIn() {
  const { user } = useSession()
  const location = useLocation()
  if (!user) {
    return <Navigate to="/signin" replace state={{ next: location.pathname + location.search }} />
  }
  return (
    <CalendarsProvider key={user.id}>
      <AppShell>
        <Suspense
          fallback={
            <p className="page" role="status">
              Loading…
            </p>
          }
        >
          <Outlet />
        </Suspense>
      </AppShell>
    </CalendarsProvider>
  )
}

function NotFound() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        This address does not lead anywhere in plansync. <a href="/">Back to your calendars</a>
      </p>
    </section>
  )
}
