// The event's planning space at /calendars/:calendarId/events/:eventId: the
// event as its calendar has it, and the event doc with notes, tasks, RSVPs
// with seats, agenda and comments; presence and undo. Everything reads and
// writes the local replicas, so the page works offline.
import {
  useCalendar,
  useEvent,
  useLive,
  usePresence,
  useSyncStatus,
} from '@plansync/client-sdk/react'
import { useEffect, useMemo } from 'react'
import { Link, useParams } from 'react-router'
import { useCalendars } from '../calendars/calendars.tsx'
import { peopleFrom } from '../presence/presence-avatars.tsx'
import { useMyPresence } from '../presence/use-my-presence.ts'
import { useUser } from '../session/session.tsx'
import { ErrorText } from '../ui/error-text.tsx'
import { AccessNotice } from './access-notice.tsx'
import { AgendaSection } from './agenda-section.tsx'
import { CommentsSection } from './comments-section.tsx'
import { EventHeader } from './event-header.tsx'
import { NotesSection } from './notes-section.tsx'
import { RsvpSection } from './rsvp-section.tsx'
import { TasksSection } from './tasks-section.tsx'
import { useEventAccess } from './use-event-access.ts'
import { useMembers } from './use-members.ts'
import './event.css'

export function EventPage() {
  const { calendarId, eventId } = useParams()
  if (!calendarId || !eventId) return <Missing />
  // A new event is a new page: nothing (access checks, forms) carries over.
  return <EventSpace key={`${calendarId}/${eventId}`} calendarId={calendarId} eventId={eventId} />
}

function EventSpace(props: { calendarId: string; eventId: string }) {
  const { calendarId, eventId } = props
  const user = useUser()
  const calendars = useCalendars()
  const info = calendars.byId(calendarId)
  const calendar = useCalendar(calendarId)
  const event = useEvent(eventId)
  const calendarState = useSyncStatus(calendar.handle)?.state
  const summary = useLive(
    calendar.handle,
    (c) => c.events().find((e) => e.id === eventId) ?? null,
    eventId,
  )
  const calendarName = useLive(calendar.handle, (c) => c.meta().name) || info?.name || 'Calendar'
  const members = useMembers(calendarId)
  const peers = usePresence(event.handle)
  const people = useMemo(
    () => peopleFrom(peers, { selfId: user.id, nameOf: members.nameOf }),
    [peers, user.id, members.nameOf],
  )
  useMyPresence(event.handle, user)

  const role = info?.role
  const editor = role === 'owner' || role === 'editor'
  const problem = useEventAccess({
    handle: event.handle,
    calendarId,
    eventId,
    canRegister: editor,
    eventExists: Boolean(summary),
    onRefused: calendars.refresh,
  })
  const readOnly = !editor || event.handle?.access !== 'read-write' || problem !== null

  useEffect(() => {
    const before = document.title
    document.title = `${summary?.title || 'Event'} · plansync`
    return () => {
      document.title = before
    }
  }, [summary?.title])

  const error = event.error ?? calendar.error
  if (error) {
    return (
      <section className="page event-page">
        <h1>This event cannot be opened</h1>
        <ErrorText error={error} />
        <BackLink />
      </section>
    )
  }
  if (calendarState === 'needs-auth' && !summary) {
    return (
      <section className="page event-page">
        <h1>No access to this calendar</h1>
        <p>
          You are not a member of the calendar this event belongs to, or your access changed. Ask
          its owner for an invite link.
        </p>
        <BackLink />
      </section>
    )
  }
  if (summary === null && calendarState === 'synced') {
    return (
      <section className="page event-page">
        <h1>This event is gone</h1>
        <p>It was deleted, or the link is not quite right.</p>
        <BackLink />
      </section>
    )
  }

  return (
    <div className="page event-page">
      <EventHeader
        calendar={calendar.handle}
        summary={summary}
        calendarName={calendarName}
        calendarColour={info?.colour}
        event={event.handle}
        peers={peers}
        selfId={user.id}
        nameOf={members.nameOf}
        readOnly={readOnly}
        viewer={role === 'viewer'}
      />
      {problem && (
        // Refused and no longer among the user's calendars: removed, whatever the role was.
        <AccessNotice problem={info || calendars.loading ? problem : 'no-access'} />
      )}
      {event.handle ? (
        <div className="event-grid">
          <div className="event-column">
            <NotesSection handle={event.handle} readOnly={readOnly} people={people} />
            <TasksSection handle={event.handle} readOnly={readOnly} members={members} />
            <AgendaSection handle={event.handle} readOnly={readOnly} />
          </div>
          <div className="event-column">
            <RsvpSection
              handle={event.handle}
              readOnly={readOnly}
              members={members}
              selfId={user.id}
            />
            <CommentsSection
              handle={event.handle}
              readOnly={readOnly}
              members={members}
              selfId={user.id}
            />
          </div>
        </div>
      ) : (
        <p className="muted">Opening the planning space…</p>
      )}
    </div>
  )
}

function BackLink() {
  return (
    <p>
      <Link to="/">Back to the planner</Link>
    </p>
  )
}

function Missing() {
  return (
    <section className="page event-page">
      <h1>Event not found</h1>
      <BackLink />
    </section>
  )
}
