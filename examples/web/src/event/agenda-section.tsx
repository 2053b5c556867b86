// The agenda: items with how long each takes, and the total.
import type { EventHandle } from '@plansync/client-sdk'
import { useLive } from '@plansync/client-sdk/react'
import { type FormEvent, useId, useRef, useState } from 'react'
import { ErrorText } from '../ui/error-text.tsx'
import { useWrite } from '../ui/use-write.ts'

const MAX_MINUTES = 24 * 60

export function AgendaSection(props: { handle: EventHandle; readOnly: boolean }) {
  const { handle } = props
  const id = useId()
  const items = useLive(handle, (h) => h.agenda()) ?? []
  const [title, setTitle] = useState('')
  const [minutes, setMinutes] = useState('15')
  const titleInput = useRef<HTMLInputElement>(null)
  const write = useWrite()
  const total = items.reduce((sum, item) => sum + item.minutes, 0)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = title.trim()
    const count = Number(minutes)
    if (!trimmed) return write.fail('Give the agenda item a title.')
    if (minutes.trim() === '' || !Number.isInteger(count) || count < 0 || count > MAX_MINUTES) {
      return write.fail('Minutes must be a whole number from 0 to 1440 (a whole day).')
    }
    if (write.run(() => handle.addAgendaItem(trimmed, count))) {
      setTitle('')
      titleInput.current?.focus()
    }
  }

  return (
    <section className="card event-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        Agenda{' '}
        {items.length > 0 && (
          <span className="muted heading-note">{formatMinutes(total)} in all</span>
        )}
      </h2>
      {items.length === 0 && <p className="muted">Nothing on the agenda yet.</p>}
      <ol className="agenda-list">
        {items.map((item) => (
          <li key={item.id}>
            <span>{item.title}</span> <span className="muted">{formatMinutes(item.minutes)}</span>
          </li>
        ))}
      </ol>
      {!props.readOnly && (
        <form className="add-form" onSubmit={submit} aria-label="Add to the agenda" noValidate>
          <div className="row">
            <label className="grow">
              Agenda item
              <input
                ref={titleInput}
                name="agendaTitle"
                maxLength={500}
                value={title}
                onChange={(e) => setTitle(e.target.value)}
              />
            </label>
            <label className="narrow-field">
              Minutes
              <input
                name="agendaMinutes"
                type="number"
                inputMode="numeric"
                min={0}
                max={MAX_MINUTES}
                step={1}
                value={minutes}
                onChange={(e) => setMinutes(e.target.value)}
              />
            </label>
          </div>
          <div className="button-row">
            <button type="submit">Add to agenda</button>
          </div>
          <ErrorText error={write.error} />
        </form>
      )}
    </section>
  )
}

function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`
}
