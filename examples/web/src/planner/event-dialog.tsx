// Create or edit an event (or one occurrence of a recurring one): title,
// times in the event's own zone, all-day, repeat, place, notes, the reminder
// for everyone and the user's own reminder; delete; a link to the event's
// planning space. Viewers see the same form read-only.
import type { Calendar, CalendarHandle, OccurrenceScope, PrefsHandle } from '@plansync/client-sdk'
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { Link } from 'react-router'
import { ErrorText } from '../ui/error-text.tsx'
import { Problem } from '../ui/errors.ts'
import { deleteOccurrence, editOccurrence, type OccurrenceTarget } from './edit-occurrence.ts'
import { changedFields, checkDraft, type Draft, fieldsOf, REMINDER_PRESETS } from './event-draft.ts'
import { EventFields, type SetField } from './event-fields.tsx'
import { SCOPES } from './scope-dialog.tsx'

export type EventDialogMode =
  | { kind: 'create'; draft: Draft }
  | { kind: 'edit'; draft: Draft; target: OccurrenceTarget }

const SERIES_ONLY = ['rrule', 'timeZone', 'allDay', 'reminders'] as const

export function EventDialog(props: {
  mode: EventDialogMode
  calendars: Calendar[]
  handles: ReadonlyMap<string, CalendarHandle>
  prefs: PrefsHandle | null
  onCreated: (calendarId: string, eventId: string) => void
  onClose: () => void
}) {
  const { mode } = props
  const ref = useRef<HTMLDialogElement>(null)
  const id = useId()
  const [draft, setDraft] = useState<Draft>(mode.draft)
  const [scope, setScope] = useState<OccurrenceScope>('this')
  const [error, setError] = useState<unknown>(null)
  const editing = mode.kind === 'edit' ? mode.target : null
  const recurring = editing?.recurrenceId != null
  const calendar = props.calendars.find((c) => c.id === draft.calendarId)
  const readOnly = calendar?.role === 'viewer'
  const ownReminders = editing ? props.prefs?.reminders(editing.eventId) : undefined
  const [mine, setMine] = useState(
    ownReminders === undefined
      ? 'default'
      : ownReminders.length === 0
        ? ''
        : String(ownReminders[0]),
  )

  useEffect(() => {
    ref.current?.showModal()
  }, [])

  const set: SetField = (key, value) => setDraft((d) => ({ ...d, [key]: value }))

  const save = (event: FormEvent) => {
    event.preventDefault()
    const problem = checkDraft(draft)
    if (problem) return setError(new Problem(problem))
    const handle = props.handles.get(draft.calendarId)
    if (!handle)
      return setError(new Problem('That calendar is still opening. Try again in a moment.'))
    try {
      let eventId: string
      if (mode.kind === 'create') {
        eventId = handle.createEvent(fieldsOf(draft))
        props.onCreated(draft.calendarId, eventId)
      } else {
        const target = mode.target
        eventId = target.eventId
        const patch = changedFields(mode.draft, draft)
        const effectiveScope = recurring ? scope : 'all'
        if (effectiveScope === 'this' && SERIES_ONLY.some((field) => field in patch)) {
          return setError(
            new Problem(
              'Repeat, time zone, all-day and the reminder for everyone change for all events or for this and following ones, not one.',
            ),
          )
        }
        if (Object.keys(patch).length > 0) editOccurrence(handle, target, patch, effectiveScope)
      }
      if (props.prefs && (mode.kind === 'create' ? mine !== 'default' : true)) {
        props.prefs.setReminders(
          eventId,
          mine === 'default' ? null : mine === '' ? [] : [Number(mine)],
        )
      }
      props.onClose()
    } catch (caught) {
      setError(caught)
    }
  }

  const remove = () => {
    const handle = props.handles.get(draft.calendarId)
    if (!handle || !editing) return
    try {
      deleteOccurrence(handle, editing, recurring ? scope : 'all')
      props.onClose()
    } catch (caught) {
      setError(caught)
    }
  }

  const editable = props.calendars.filter((c) => c.role !== 'viewer')
  const title = mode.kind === 'create' ? 'New event' : readOnly ? 'Event' : 'Edit event'

  return (
    <dialog
      ref={ref}
      className="dialog event-dialog"
      aria-labelledby={`${id}-title`}
      onClose={props.onClose}
    >
      <form onSubmit={save}>
        <h2 id={`${id}-title`}>{title}</h2>
        {readOnly && <p className="muted">You can view this calendar but not change it.</p>}
        <EventFields
          draft={draft}
          set={set}
          calendars={mode.kind === 'create' ? editable : null}
          readOnly={readOnly}
        />
        <label>
          My reminder <span className="muted">(only for you)</span>
          <select name="myReminder" value={mine} onChange={(e) => setMine(e.target.value)}>
            <option value="default">Same as everyone</option>
            {REMINDER_PRESETS.map((preset) => (
              <option key={preset.value} value={preset.value}>
                {preset.label}
              </option>
            ))}
          </select>
        </label>
        {recurring && !readOnly && (
          <fieldset className="scope">
            <legend>Apply changes to</legend>
            {SCOPES.map((option) => (
              <label key={option.value} className="inline">
                <input
                  type="radio"
                  name="scope"
                  value={option.value}
                  checked={scope === option.value}
                  onChange={() => setScope(option.value)}
                />
                {option.label}
              </label>
            ))}
          </fieldset>
        )}
        <ErrorText error={error} />
        <div className="dialog-actions">
          {editing && (
            <Link
              to={`/calendars/${editing.calendarId}/events/${editing.eventId}`}
              className="button"
            >
              Open planning space
            </Link>
          )}
          {editing && !readOnly && (
            <button type="button" className="danger" onClick={remove}>
              Delete
            </button>
          )}
          <span className="spacer" />
          <button type="button" className="secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Save
          </button>
        </div>
      </form>
    </dialog>
  )
}
