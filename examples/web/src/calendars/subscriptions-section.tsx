// A calendar kept in step with external ICS addresses (a school's or a
// club's calendar): add one, see when it was last fetched and what went
// wrong, remove it. Editors and owners only; the server fetches them.
import type { Calendar, CalendarSubscription } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { type FormEvent, useId, useRef, useState } from 'react'
import { TimeAgo } from '../inbox/time-ago.tsx'
import { ErrorText } from '../ui/error-text.tsx'
import { fieldError } from '../ui/errors.ts'
import { useAction } from '../ui/use-action.ts'
import { ConfirmButton } from './confirm-button.tsx'
import { OfflineNote, useOnline } from './offline-note.tsx'
import { useApiData } from './use-api-data.ts'

const ADDRESS = /^(https?|webcal):\/\/\S+$/i

/** An address refused before asking the server. */
class AddressError extends Error {}

export function SubscriptionsSection(props: { calendar: Calendar }) {
  const { calendar } = props
  const client = usePlansyncClient()
  const online = useOnline()
  const headingId = useId()
  const listHeading = useRef<HTMLHeadingElement>(null)
  const [url, setUrl] = useState('')
  const subscriptions = useApiData(
    () => client.api.listSubscriptions(calendar.id).then((answer) => answer.subscriptions),
    `subscriptions:${calendar.id}`,
  )

  const add = useAction(async (address: string) => {
    if (!ADDRESS.test(address)) {
      throw new AddressError('Use an address that starts with https://, http:// or webcal://.')
    }
    await client.api.subscribe(calendar.id, address)
    setUrl('')
    await subscriptions.reload()
  })
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    void add.run(url.trim())
  }
  const urlError =
    fieldError(add.error, 'url') ??
    (add.error instanceof AddressError ? add.error.message : undefined)

  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Follow calendars on the web</h2>
      <p>
        Keep this calendar in step with a calendar published as an .ics address (a school, a club, a
        sports team). The server fetches it every 15 minutes; its events update here for everyone.
      </p>
      <form onSubmit={onSubmit}>
        <label>
          Calendar address (https, http or webcal)
          <input
            name="subscriptionUrl"
            type="text"
            inputMode="url"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            maxLength={2048}
            placeholder="https://example.org/calendar.ics"
            value={url}
            aria-invalid={urlError ? true : undefined}
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        {urlError && <p className="field-error">{urlError}</p>}
        <button type="submit" className="primary" disabled={add.busy || !online}>
          {add.busy ? 'Adding…' : 'Follow this calendar'}
        </button>
        <OfflineNote what="Following a calendar" />
        {!urlError && <ErrorText error={add.error} />}
      </form>

      <h3 ref={listHeading} tabIndex={-1}>
        Followed addresses
      </h3>
      <ErrorText error={subscriptions.error} />
      {subscriptions.data?.length === 0 && <p className="muted">None yet.</p>}
      {subscriptions.data && subscriptions.data.length > 0 && (
        <ul className="plain-list">
          {subscriptions.data.map((subscription) => (
            <SubscriptionRow
              key={subscription.id}
              subscription={subscription}
              onRemoved={async () => {
                await subscriptions.reload()
                listHeading.current?.focus()
              }}
            />
          ))}
        </ul>
      )}
    </section>
  )
}

function SubscriptionRow(props: {
  subscription: CalendarSubscription
  onRemoved: () => Promise<void>
}) {
  const { subscription } = props
  const client = usePlansyncClient()
  const online = useOnline()
  const remove = useAction(async () => {
    await client.api.unsubscribe(subscription.calendarId, subscription.id)
    await props.onRemoved()
  })
  return (
    <li className="list-item" data-testid="subscription">
      <div className="subscription-url">{subscription.url}</div>
      <div className="small">
        {subscription.lastFetchedAt === null ? (
          <span className="muted">Not fetched yet: the first fetch comes within 15 minutes.</span>
        ) : (
          <span className="muted">
            {subscription.lastError === null ? 'Last fetched' : 'Last tried'}{' '}
            <TimeAgo at={subscription.lastFetchedAt} />.
          </span>
        )}
      </div>
      {subscription.lastError !== null && (
        <p className="problem small">
          <strong>Problem:</strong> the last fetch failed: {subscription.lastError}
        </p>
      )}
      <ConfirmButton
        label="Stop following"
        ariaLabel={`Stop following ${subscription.url}`}
        question="Stop following this address? The events it brought in stay here but are no longer updated."
        confirmLabel="Stop following"
        busyLabel="Removing…"
        busy={remove.busy}
        disabled={!online}
        onConfirm={() => remove.run()}
      />
      <ErrorText error={remove.error} />
    </li>
  )
}
