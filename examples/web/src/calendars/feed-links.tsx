// iCal feed links (for Google, Apple and Outlook calendars) of one calendar,
// or with `calendarId` null of all the user's calendars: make one (full or
// busy times only), rotate its secret, delete it. The secret link is shown
// only when it is made or rotated, because the server keeps only its hash.
import type { Feed, FeedLink } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { useEffect, useRef, useState } from 'react'
import { TimeAgo } from '../inbox/time-ago.tsx'
import { ErrorText } from '../ui/error-text.tsx'
import { useAction } from '../ui/use-action.ts'
import { ConfirmButton } from './confirm-button.tsx'
import { CopyField } from './copy-field.tsx'
import { OfflineNote, useOnline } from './offline-note.tsx'
import { useApiData } from './use-api-data.ts'
import './calendar-settings.css'

export function FeedLinks(props: { calendarId: string | null }) {
  const { calendarId } = props
  const client = usePlansyncClient()
  const online = useOnline()
  const listHeading = useRef<HTMLHeadingElement>(null)
  const [busyOnly, setBusyOnly] = useState(false)
  /** Links made or rotated on this page, by feed id: the only time their secret is known. */
  const [fresh, setFresh] = useState<Record<string, FeedLink>>({})
  const feeds = useApiData(
    () =>
      client.api
        .listFeeds()
        .then((answer) => answer.feeds.filter((feed) => feed.calendarId === calendarId)),
    `feeds:${calendarId ?? '*'}`,
  )
  const keep = (link: FeedLink) => setFresh((old) => ({ ...old, [link.feed.id]: link }))

  const create = useAction(async () => {
    keep(await client.api.createFeed(calendarId === null ? { busyOnly } : { calendarId, busyOnly }))
    await feeds.reload()
  })

  return (
    <div className="feed-links">
      <p>
        Other calendar apps can show these events through a secret link: paste the https link into
        Google Calendar (“From URL”) or Outlook (“Subscribe from web”); the webcal link opens Apple
        Calendar. They fetch changes every few hours.
      </p>
      <div className="button-row">
        <label className="inline">
          <input
            type="checkbox"
            checked={busyOnly}
            onChange={(e) => setBusyOnly(e.target.checked)}
          />
          Busy times only (no titles, places or notes)
        </label>
        <button
          type="button"
          className="primary"
          disabled={create.busy || !online}
          onClick={() => void create.run()}
        >
          {create.busy ? 'Making the link…' : 'Make a feed link'}
        </button>
      </div>
      <OfflineNote what="Making or changing feed links" />
      <ErrorText error={create.error} />

      <h3 ref={listHeading} tabIndex={-1}>
        Your feed links
      </h3>
      <ErrorText error={feeds.error} />
      {feeds.data?.length === 0 && <p className="muted">No feed links yet.</p>}
      {feeds.data && feeds.data.length > 0 && (
        <ul className="plain-list">
          {feeds.data.map((feed) => (
            <FeedRow
              key={feed.id}
              feed={feed}
              link={fresh[feed.id]}
              onRotated={keep}
              onDeleted={async () => {
                await feeds.reload()
                listHeading.current?.focus()
              }}
            />
          ))}
        </ul>
      )}
    </div>
  )
}

function FeedRow(props: {
  feed: Feed
  link: FeedLink | undefined
  onRotated: (link: FeedLink) => void
  onDeleted: () => Promise<void>
}) {
  const { feed, link } = props
  const client = usePlansyncClient()
  const online = useOnline()
  const secret = useRef<HTMLDivElement>(null)
  const rotate = useAction(async () => props.onRotated(await client.api.rotateFeed(feed.id)))
  const remove = useAction(async () => {
    await client.api.deleteFeed(feed.id)
    await props.onDeleted()
  })
  const kind = feed.busyOnly ? 'Busy times only' : 'Full details'

  useEffect(() => {
    if (link) secret.current?.focus()
  }, [link])

  return (
    <li className="list-item feed" data-testid="feed">
      <div>
        <strong>{kind}</strong>
        <div className="muted small">
          Made <TimeAgo at={feed.createdAt} />
          {feed.rotatedAt !== null && (
            <>
              , new link <TimeAgo at={feed.rotatedAt} />
            </>
          )}
          .
        </div>
      </div>
      {link ? (
        <div className="fresh-secret" ref={secret} tabIndex={-1}>
          <p>
            <strong>Copy the link now:</strong> it is shown only this once. Lost it? Make a new link
            with “New link”.
          </p>
          <CopyField label="https link" value={link.url} testId="feed-url" />
          <CopyField label="webcal link" value={link.webcalUrl} testId="feed-webcal" />
          <p>
            <a href={link.webcalUrl}>Open in Apple Calendar</a>
          </p>
        </div>
      ) : (
        <p className="muted small">
          The link was shown when it was made. For a link to copy, make a new one: the old one then
          stops working.
        </p>
      )}
      <div className="button-row">
        <ConfirmButton
          label="New link"
          ariaLabel={`New link for the feed “${kind}” made ${new Date(feed.createdAt).toLocaleString()}`}
          question="Make a new secret link? Calendar apps using the old one stop getting updates until you give them the new one."
          confirmLabel="Make a new link"
          busyLabel="Making…"
          busy={rotate.busy}
          disabled={!online}
          focusAfter="caller"
          onConfirm={() => rotate.run()}
        />
        <ConfirmButton
          label="Delete"
          ariaLabel={`Delete the feed “${kind}” made ${new Date(feed.createdAt).toLocaleString()}`}
          question="Delete this feed link? Calendar apps using it stop getting updates."
          confirmLabel="Delete link"
          busyLabel="Deleting…"
          busy={remove.busy}
          disabled={!online}
          onConfirm={() => remove.run()}
        />
      </div>
      <ErrorText error={rotate.error ?? remove.error} />
    </li>
  )
}
