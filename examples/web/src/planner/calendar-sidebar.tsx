// The calendars beside the planner: show or hide each, pick your own colour
// for it, open its settings; create a new one.
import type { Calendar, PrefsHandle } from '@plansync/client-sdk'
import { useLive, usePlansyncClient } from '@plansync/client-sdk/react'
import { type FormEvent, useState } from 'react'
import { Link } from 'react-router'
import { useCalendars } from '../calendars/calendars.tsx'
import { ErrorText } from '../ui/error-text.tsx'
import { useAction } from '../ui/use-action.ts'
import { userTimeZone } from '../ui/wall-time.ts'

const PALETTE = [
  '#2563eb',
  '#16a34a',
  '#dc2626',
  '#9333ea',
  '#ea580c',
  '#0891b2',
  '#db2777',
  '#4b5563',
]

export function CalendarSidebar(props: { calendars: Calendar[]; prefs: PrefsHandle | null }) {
  const { prefs } = props
  const own = useLive(prefs, (p) => p.calendars())
  // Folded on phones, where the grid needs the room.
  const [unfolded] = useState(() => !window.matchMedia('(max-width: 640px)').matches)
  return (
    <aside className="sidebar" aria-label="Calendars">
      <details open={unfolded}>
        <summary>
          <h2>My calendars</h2>
        </summary>
        {props.calendars.length === 0 && (
          <p className="muted">No calendars yet: create one below.</p>
        )}
        <ul className="calendar-list">
          {props.calendars.map((calendar) => {
            const colour = own?.[calendar.id]?.colour ?? calendar.colour
            const hidden = own?.[calendar.id]?.hidden ?? false
            return (
              <li key={calendar.id}>
                <label className="inline calendar-label">
                  <input
                    type="checkbox"
                    checked={!hidden}
                    disabled={!prefs}
                    onChange={(e) => prefs?.setCalendar(calendar.id, { hidden: !e.target.checked })}
                  />
                  <span className="swatch" style={{ background: colour }} aria-hidden="true" />
                  <span className="calendar-name">{calendar.name}</span>
                </label>
                <span className="role-tag">{calendar.role}</span>
                <input
                  type="color"
                  className="colour-input"
                  aria-label={`Your colour for ${calendar.name}`}
                  value={colour}
                  disabled={!prefs}
                  onChange={(e) => prefs?.setCalendar(calendar.id, { colour: e.target.value })}
                />
                <Link
                  to={`/calendars/${calendar.id}/settings`}
                  aria-label={`Settings of ${calendar.name}`}
                  className="icon-link"
                >
                  ⚙
                </Link>
              </li>
            )
          })}
        </ul>
        <NewCalendarForm />
      </details>
    </aside>
  )
}

function NewCalendarForm() {
  const client = usePlansyncClient()
  const { calendars, refresh } = useCalendars()
  const [name, setName] = useState('')
  const create = useAction(async (calendarName: string) => {
    await client.api.createCalendar({
      name: calendarName,
      colour: PALETTE[calendars.length % PALETTE.length],
      timeZone: userTimeZone(),
    })
    await refresh()
  })
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    if (await create.run(name.trim())) setName('')
  }
  return (
    <form className="new-calendar" onSubmit={onSubmit}>
      <label>
        New calendar
        <input
          name="calendarName"
          placeholder="Family, Football team…"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <button type="submit" disabled={create.busy}>
        {create.busy ? 'Creating…' : 'Create calendar'}
      </button>
      <ErrorText error={create.error} />
    </form>
  )
}
