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
import {
  changedFields,
  checkDraft,
  type Draft,
  fieldsOf,
  REMINDER_PRESETS,
  REPEAT_PRESETS,
} from './event-draft.ts'
import { SCOPES } from './scope-dialog.tsx'
import { timeZones } from './wall-time.ts'

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

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }))

  const onAllDay = (allDay: boolean) =>
    setDraft((d) => ({
      ...d,
      allDay,
      start: allDay ? d.start.slice(0, 10) : `${d.start.slice(0, 10)}T09:00`,
      end: allDay ? d.end.slice(0, 10) : `${d.end.slice(0, 10)}T10:00`,
    }))

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
        <fieldset disabled={readOnly}>
          <label>
            Title
            <input
              name="title"
              required
              maxLength={200}
              value={draft.title}
              onChange={(e) => set('title', e.target.value)}
              autoFocus
            />
          </label>
          {mode.kind === 'create' && (
            <label>
              Calendar
              <select
                name="calendar"
                value={draft.calendarId}
                onChange={(e) => set('calendarId', e.target.value)}
              >
                {editable.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="inline">
            <input
              type="checkbox"
              name="allDay"
              checked={draft.allDay}
              onChange={(e) => onAllDay(e.target.checked)}
            />
            All day
          </label>
          <div className="row">
            <label>
              Starts
              <input
                name="start"
                type={draft.allDay ? 'date' : 'datetime-local'}
                required
                value={draft.start}
                onChange={(e) => set('start', e.target.value)}
              />
            </label>
            <label>
              Ends
              <input
                name="end"
                type={draft.allDay ? 'date' : 'datetime-local'}
                required
                value={draft.end}
                onChange={(e) => set('end', e.target.value)}
              />
            </label>
          </div>
          {!draft.allDay && (
            <label>
              Time zone
              <input
                name="timeZone"
                list={`${id}-zones`}
                value={draft.timeZone}
                onChange={(e) => set('timeZone', e.target.value)}
              />
              <datalist id={`${id}-zones`}>
                {timeZones().map((zone) => (
                  <option key={zone} value={zone} />
                ))}
              </datalist>
            </label>
          )}
          <label>
            Repeat
            <select
              name="repeat"
              value={draft.rrule}
              onChange={(e) => set('rrule', e.target.value)}
            >
              {REPEAT_PRESETS.some((p) => p.value === draft.rrule) ? null : (
                <option value={draft.rrule}>Custom: {draft.rrule}</option>
              )}
              {REPEAT_PRESETS.map((preset) => (
                <option key={preset.value} value={preset.value}>
                  {preset.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Place
            <input
              name="location"
              maxLength={2000}
              value={draft.location}
              onChange={(e) => set('location', e.target.value)}
            />
          </label>
          <label>
            Description
            <textarea
              name="description"
              rows={3}
              maxLength={2000}
              value={draft.description}
              onChange={(e) => set('description', e.target.value)}
            />
          </label>
          <label>
            Reminder for everyone
            <select
              name="reminder"
              value={draft.reminder}
              onChange={(e) => set('reminder', e.target.value)}
            >
              {REMINDER_PRESETS.map((preset) => (
                <option key={preset.value} value={preset.value}>
                  {preset.label}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
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
