// The event's own fields in the event form: title, calendar (when creating),
// all-day, times in the event's zone, repeat, place, description and the
// reminder for everyone. Viewers see them disabled.
import type { Calendar } from '@plansync/client-sdk'
import { useId } from 'react'
import { timeZones } from '../ui/wall-time.ts'
import { type Draft, REMINDER_PRESETS, REPEAT_PRESETS } from './event-draft.ts'

export type SetField = <K extends keyof Draft>(key: K, value: Draft[K]) => void

export function EventFields(props: {
  draft: Draft
  set: SetField
  /** The calendars to choose from when creating; null when editing. */
  calendars: Calendar[] | null
  readOnly: boolean
}) {
  const { draft, set } = props
  const id = useId()
  // Switching to all-day keeps the dates; back to timed starts at 9:00.
  const onAllDay = (allDay: boolean) => {
    set('allDay', allDay)
    set('start', allDay ? draft.start.slice(0, 10) : `${draft.start.slice(0, 10)}T09:00`)
    set('end', allDay ? draft.end.slice(0, 10) : `${draft.end.slice(0, 10)}T10:00`)
  }
  return (
    <fieldset disabled={props.readOnly}>
      <label>
        Title
        <input
          name="title"
          required
          maxLength={200}
          value={draft.title}
          onChange={(e) => set('title', e.target.value)}
        />
      </label>
      {props.calendars && (
        <label>
          Calendar
          <select
            name="calendar"
            value={draft.calendarId}
            onChange={(e) => set('calendarId', e.target.value)}
          >
            {props.calendars.map((c) => (
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
        <select name="repeat" value={draft.rrule} onChange={(e) => set('rrule', e.target.value)}>
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
  )
}
