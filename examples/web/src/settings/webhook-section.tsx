// The user's webhook endpoint for notifications: set it (the signing secret
// is shown once, in the answer), see where deliveries go, remove it.
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { ConfirmButton } from '../calendars/confirm-button.tsx'
import { CopyField } from '../calendars/copy-field.tsx'
import { OfflineNote, useOnline } from '../calendars/offline-note.tsx'
import { useApiData } from '../calendars/use-api-data.ts'
import { TimeAgo } from '../inbox/time-ago.tsx'
import { ErrorText } from '../ui/error-text.tsx'
import { fieldError } from '../ui/errors.ts'
import { useAction } from '../ui/use-action.ts'

export function WebhookSection() {
  const client = usePlansyncClient()
  const online = useOnline()
  const headingId = useId()
  const heading = useRef<HTMLHeadingElement>(null)
  const secretBox = useRef<HTMLDivElement>(null)
  const [url, setUrl] = useState('')
  const [secret, setSecret] = useState<string | null>(null)
  const webhook = useApiData(
    () => client.api.getWebhook().then((answer) => answer.webhook),
    'webhook',
  )

  const save = useAction(async (address: string) => {
    const answer = await client.api.setWebhook(address)
    setSecret(answer.webhook.secret)
    setUrl('')
    await webhook.reload()
  })
  const remove = useAction(async () => {
    await client.api.deleteWebhook()
    setSecret(null)
    await webhook.reload()
    heading.current?.focus()
  })
  useEffect(() => {
    if (secret) secretBox.current?.focus()
  }, [secret])

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    setSecret(null)
    void save.run(url.trim())
  }
  const urlError = fieldError(save.error, 'url')
  const current = webhook.data

  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        Webhook
      </h2>
      <p>
        plansync can POST each notification as JSON to an address of yours (a home automation, a
        chat bot). Each delivery is signed with a secret, so you can check it came from here.
      </p>
      <ErrorText error={webhook.error} />
      {current === undefined && webhook.error === null && <p>Loading…</p>}
      {current === null && <p className="muted">No webhook set.</p>}
      {current && (
        <div className="webhook-current">
          <p>
            Deliveries go to <code className="webhook-url">{current.url}</code> (set{' '}
            <TimeAgo at={current.createdAt} />
            ).
          </p>
          <ConfirmButton
            label="Remove webhook"
            question="Remove the webhook? Notifications stop going to it."
            confirmLabel="Remove"
            busyLabel="Removing…"
            busy={remove.busy}
            disabled={!online}
            focusAfter="caller"
            onConfirm={() => remove.run()}
          />
          <ErrorText error={remove.error} />
        </div>
      )}
      {secret && (
        <div className="fresh-secret" ref={secretBox} tabIndex={-1}>
          <p>
            <strong>Copy the signing secret now:</strong> it is shown only this once. Each delivery
            has the headers <code>x-plansync-timestamp</code> and <code>x-plansync-signature</code>{' '}
            (<code>v1=</code> HMAC-SHA256 of “timestamp.body” with this secret). Lost it? Set the
            address again for a new secret.
          </p>
          <CopyField label="Signing secret" value={secret} testId="webhook-secret" />
        </div>
      )}
      <form onSubmit={onSubmit}>
        <label>
          {current ? 'New webhook address' : 'Webhook address'}
          <input
            name="webhookUrl"
            type="url"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            maxLength={2048}
            placeholder="https://example.org/plansync-hook"
            value={url}
            aria-invalid={urlError ? true : undefined}
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        {urlError && <p className="field-error">{urlError}</p>}
        <button type="submit" className="primary" disabled={save.busy || !online}>
          {save.busy ? 'Saving…' : current ? 'Replace webhook' : 'Set webhook'}
        </button>
        <OfflineNote what="Changing the webhook" />
        {!urlError && <ErrorText error={save.error} />}
      </form>
      <p className="muted small">
        Turn on “To your webhook” under Notifications above for deliveries to start.
      </p>
    </section>
  )
}
