// The top of the event page: a way back, the title, when (in the viewer's
// zone) and where, the calendar, who else is here, and undo / redo.
import type { CalendarHandle, EventHandle, EventSummary, Peer } from '@plansync/client-sdk'
import { useMemo } from 'react'
import { Link } from 'react-router'
import { PresenceAvatars } from '../presence/presence-avatars.tsx'
import { UndoRedo, undoTargetOf } from '../ui/undo-redo.tsx'
import { userTimeZone } from '../ui/wall-time.ts'
import { describeWhen } from './event-time.ts'

export function EventHeader(props: {
  calendar: CalendarHandle | null
  /** The event as the calendar has it: undefined while the calendar opens, null when not there. */
  summary: EventSummary | null | undefined
  calendarName: string
  calendarColour: string | undefined
  event: EventHandle | null
  peers: readonly Peer[]
  selfId: string
  nameOf: (userId: string) => string | undefined
  readOnly: boolean
  viewer: boolean
}) {
  const { calendar, summary } = props
  const when = useMemo(
    () => (calendar && summary ? describeWhen(calendar, summary) : null),
    [calendar, summary],
  )
  const zone = userTimeZone()
  const undo = useMemo(() => (props.event ? undoTargetOf(props.event) : null), [props.event])
  return (
    <header className="card event-header">
      <p className="back-link">
        <Link to="/">
          <span aria-hidden="true">←</span> Back to the planner
        </Link>
      </p>
      <div className="event-title-row">
        <h1>
          {summary?.title || 'Untitled event'}
          {summary?.status === 'cancelled' && <span className="status-tag"> Cancelled</span>}
          {summary?.status === 'tentative' && <span className="status-tag"> Tentative</span>}
        </h1>
        <PresenceAvatars
          peers={props.peers}
          selfId={props.selfId}
          nameOf={props.nameOf}
          emptyText="Only you are here"
        />
      </div>
      {!summary && <p className="muted">Looking for this event…</p>}
      {when && summary && (
        <dl className="event-facts">
          <div>
            <dt>When</dt>
            <dd>
              {when.which && <span className="muted">{when.which}: </span>}
              <time dateTime={when.dateTime}>{when.text}</time>
              {when.repeats && <span className="muted"> · {when.repeats}</span>}
              {!summary.allDay && summary.timeZone !== zone && (
                <span className="muted zone-note">
                  Shown in your time zone ({zone}); the event is planned in {summary.timeZone}.
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt>Where</dt>
            <dd>{summary.location || <span className="muted">No place set</span>}</dd>
          </div>
          <div>
            <dt>Calendar</dt>
            <dd>
              {props.calendarColour && (
                <span
                  className="swatch"
                  style={{ background: props.calendarColour }}
                  aria-hidden="true"
                />
              )}{' '}
              {props.calendarName}
            </dd>
          </div>
        </dl>
      )}
      {summary?.description && <p className="event-description">{summary.description}</p>}
      <div className="event-toolbar">
        {props.viewer && (
          <p className="muted">You can view this event; editors of the calendar can change it.</p>
        )}
        {undo && <UndoRedo target={undo} readOnly={props.readOnly} />}
      </div>
    </header>
  )
}
