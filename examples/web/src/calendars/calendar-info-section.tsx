// A calendar's name, colour for everyone and default time zone: a form for
// owners and editors (the auth API lets both change them), read-only text
// for viewers.
import type { Calendar } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { type FormEvent, useId, useMemo, useState } from 'react'
import { ErrorText } from '../ui/error-text.tsx'
import { fieldError } from '../ui/errors.ts'
import { useAction } from '../ui/use-action.ts'
import { useCalendars } from './calendars.tsx'
import { OfflineNote, useOnline } from './offline-note.tsx'

export function CalendarInfoSection(props: { calendar: Calendar }) {
  const { calendar } = props
  const headingId = useId()
  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>About this calendar</h2>
      {calendar.role === 'viewer' ? (
        <dl className="facts">
          <dt>Name</dt>
          <dd>{calendar.name}</dd>
          <dt>Colour</dt>
          <dd>
            <span className="swatch" style={{ background: calendar.colour }} aria-hidden="true" />{' '}
            {calendar.colour}
          </dd>
          <dt>Default time zone</dt>
          <dd>{calendar.timeZone}</dd>
        </dl>
      ) : (
        <CalendarInfoForm calendar={calendar} />
      )}
    </section>
  )
}

function CalendarInfoForm(props: { calendar: Calendar }) {
  const { calendar } = props
  const client = usePlansyncClient()
  const { refresh } = useCalendars()
  const online = useOnline()
  const [name, setName] = useState(calendar.name)
  const [colour, setColour] = useState(calendar.colour)
  const [timeZone, setTimeZone] = useState(calendar.timeZone)
  const [saved, setSaved] = useState(false)
  const zones = useMemo(() => timeZones(calendar.timeZone), [calendar.timeZone])

  const save = useAction(async () => {
    const patch = {
      ...(name.trim() !== calendar.name ? { name: name.trim() } : {}),
      ...(colour !== calendar.colour ? { colour } : {}),
      ...(timeZone !== calendar.timeZone ? { timeZone } : {}),
    }
    if (Object.keys(patch).length > 0) await client.api.updateCalendar(calendar.id, patch)
    await refresh()
  })
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    setSaved(false)
    setSaved(await save.run())
  }
  const nameError = fieldError(save.error, 'name')

  return (
    <form onSubmit={onSubmit} onChange={() => setSaved(false)}>
      <label>
        Name
        <input
          name="name"
          required
          maxLength={120}
          value={name}
          aria-invalid={nameError ? true : undefined}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      {nameError && <p className="field-error">{nameError}</p>}
      <div className="row">
        <label>
          Colour for everyone
          <span className="colour-pick">
            <input
              type="color"
              name="colour"
              value={colour}
              onChange={(e) => setColour(e.target.value)}
            />
            <span className="muted">{colour}</span>
          </span>
        </label>
        <label>
          Default time zone
          <select name="timeZone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted hint">
        Members who picked their own colour in the calendar list keep it. New events start in the
        default time zone.
      </p>
      <div className="button-row">
        <button type="submit" className="primary" disabled={save.busy || !online}>
          {save.busy ? 'Saving…' : 'Save changes'}
        </button>
        <span role="status" className="saved-note">
          {saved ? 'Saved.' : ''}
        </span>
      </div>
      <OfflineNote what="Changing the calendar" />
      <ErrorText error={save.error} />
    </form>
  )
}

function timeZones(current: string): string[] {
  const zones = new Set(Intl.supportedValuesOf('timeZone'))
  zones.add('UTC')
  zones.add(current)
  return [...zones].sort()
}
