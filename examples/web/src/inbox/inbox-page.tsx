// The notifications inbox (/inbox): reminders, invitations and changes the
// notifier wrote, newest first; unread ones marked in words as well as
// looks; opening one marks it read; mark unread; mark all read.
import { useInbox, useInboxEntries } from '@plansync/client-sdk/react'
import { useRef, useState } from 'react'
import { Link } from 'react-router'
import { ErrorText } from '../ui/error-text.tsx'
import { InboxItem } from './inbox-item.tsx'
import './inbox.css'

export function InboxPage() {
  const { handle, error } = useInbox()
  const entries = useInboxEntries(handle)
  const heading = useRef<HTMLHeadingElement>(null)
  const [done, setDone] = useState('')
  const [actionError, setActionError] = useState<unknown>(null)
  const unread = entries.filter((entry) => entry.readAt === null).length

  const markAllRead = () => {
    try {
      handle?.markAllRead()
      setActionError(null)
      setDone('Everything is marked read.')
      heading.current?.focus()
    } catch (caught) {
      setActionError(caught)
    }
  }

  return (
    <section className="page narrow inbox">
      <div className="inbox-head">
        <h1 ref={heading} tabIndex={-1}>
          Inbox
        </h1>
        <p className="muted inbox-count" data-testid="inbox-summary">
          {handle === null
            ? ''
            : unread === 0
              ? 'Nothing unread'
              : `${unread} unread of ${entries.length}`}
        </p>
        {unread > 0 && (
          <button type="button" onClick={markAllRead}>
            Mark all read
          </button>
        )}
      </div>
      <p className="visually-hidden" role="status">
        {done}
      </p>
      <ErrorText error={error ?? actionError} />
      {handle === null && error === null && <p>Opening your inbox…</p>}
      {handle !== null && entries.length === 0 && (
        <div className="card inbox-empty">
          <h2>Nothing here yet</h2>
          <p>
            Reminders, invitations and changes to your calendars show up here. Set a reminder on an
            event in the <Link to="/">calendar</Link>, or choose where else notifications go in{' '}
            <Link to="/settings">Settings</Link>.
          </p>
        </div>
      )}
      {entries.length > 0 && handle && (
        <ol className="inbox-list" aria-label="Notifications, newest first">
          {entries.map((entry) => (
            <InboxItem
              key={entry.id}
              entry={entry}
              onMark={(read) => {
                setDone('')
                try {
                  handle.markRead(entry.id, read)
                  setActionError(null)
                } catch (caught) {
                  setActionError(caught)
                }
              }}
            />
          ))}
        </ol>
      )}
    </section>
  )
}
