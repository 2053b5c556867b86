// One notification: unread marked by a word and a bar (not by colour alone),
// title, text, when, a link to what it is about (same-origin links stay in
// the app) that marks it read, and a button to mark it read or unread.
import type { InboxHandle } from '@plansync/client-sdk'
import { Link } from 'react-router'
import { TimeAgo } from './time-ago.tsx'

type InboxEntry = ReturnType<InboxHandle['entries']>[number]

const KIND_NAMES: Record<string, string> = {
  reminder: 'Reminder',
  invited: 'Invitation',
  'event-created': 'New event',
  'event-moved': 'Event moved',
  'event-cancelled': 'Event cancelled',
  'events-changed': 'Events changed',
  'task-assigned': 'Task',
  'tasks-assigned': 'Tasks',
  'seat-confirmed': 'Seat confirmed',
  'seat-promoted': 'Seat confirmed',
}

export function InboxItem(props: { entry: InboxEntry; onMark: (read: boolean) => void }) {
  const { entry } = props
  const unread = entry.readAt === null
  const kind = KIND_NAMES[entry.kind]
  return (
    <li
      className={unread ? 'inbox-item unread' : 'inbox-item'}
      data-testid="inbox-entry"
      data-unread={unread}
    >
      <div className="inbox-meta small">
        {unread && <span className="unread-tag">Unread</span>}
        {kind && <span className="muted">{kind}</span>}
        <span className="muted">
          <TimeAgo at={entry.createdAt} />
        </span>
      </div>
      <h2 className="inbox-title">
        {unread && <span className="visually-hidden">Unread: </span>}
        {entry.title}
      </h2>
      {entry.body && <p className="inbox-body">{entry.body}</p>}
      <div className="button-row">
        {entry.url && (
          <EntryLink url={entry.url} title={entry.title} onOpen={() => props.onMark(true)} />
        )}
        <button type="button" className="secondary" onClick={() => props.onMark(unread)}>
          {unread ? 'Mark read' : 'Mark unread'}
          <span className="visually-hidden">: {entry.title}</span>
        </button>
      </div>
    </li>
  )
}

/** Links into this app open in it; links elsewhere open as plain links. */
function EntryLink(props: { url: string; title: string; onOpen: () => void }) {
  const target = parseLink(props.url)
  if (!target) return null
  if (target.origin === location.origin) {
    return (
      <Link
        className="button"
        to={target.pathname + target.search + target.hash}
        onClick={props.onOpen}
      >
        Open<span className="visually-hidden">: {props.title}</span>
      </Link>
    )
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return null
  return (
    <a
      className="button"
      href={target.href}
      rel="noopener noreferrer"
      target="_blank"
      onClick={props.onOpen}
    >
      Open in a new tab<span className="visually-hidden">: {props.title}</span>
    </a>
  )
}

function parseLink(url: string): URL | null {
  try {
    return new URL(url, location.origin)
  } catch {
    return null
  }
}
