// The planner: month, week and agenda views of every visible calendar in the
// viewer's time zone (FullCalendar), with create by selecting, edit by
// clicking, and drag to move or resize; recurring events ask which
// occurrences a change is for.

import type { DateSelectArg, EventClickArg, EventDropArg, EventInput } from '@fullcalendar/core'
import dayGridPlugin from '@fullcalendar/daygrid'
import interactionPlugin, { type EventResizeDoneArg } from '@fullcalendar/interaction'
import listPlugin from '@fullcalendar/list'
import FullCalendar from '@fullcalendar/react'
import timeGridPlugin from '@fullcalendar/timegrid'
import type { CalendarPrefs } from '@plansync/client-sdk'
import { useLive, usePlansyncClient, usePrefs } from '@plansync/client-sdk/react'
import { useMemo, useState } from 'react'
import { useCalendars } from '../calendars/calendars.tsx'
import { ErrorText } from '../ui/error-text.tsx'
import { Problem } from '../ui/errors.ts'
import { UndoRedo } from '../ui/undo-redo.tsx'
import { addDays, toWallTime, userTimeZone } from '../ui/wall-time.ts'
import { CalendarSidebar } from './calendar-sidebar.tsx'
import { editOccurrence, type OccurrenceTarget } from './edit-occurrence.ts'
import { EventDialog, type EventDialogMode } from './event-dialog.tsx'
import { type Draft, draftFromOccurrence } from './event-draft.ts'
import { PlannerPresence } from './planner-presence.tsx'
import { useScopeQuestion } from './scope-dialog.tsx'
import { useOpenCalendars } from './use-open-calendars.tsx'
import { usePlannerUndo } from './use-undo.ts'

interface Shown {
  calendarId: string
  eventId: string
  recurrenceId: string | null
  start: string
  end: string
  timeZone: string
}

const NO_PREFS: Record<string, CalendarPrefs> = {}

const narrowScreen = () => window.matchMedia('(max-width: 640px)').matches

export function PlannerPage() {
  const client = usePlansyncClient()
  const { calendars } = useCalendars()
  const { handle: prefs } = usePrefs()
  const calendarPrefs = useLive(prefs, (p) => p.calendars()) ?? NO_PREFS
  const visible = useMemo(
    () => calendars.filter((c) => !calendarPrefs[c.id]?.hidden),
    [calendars, calendarPrefs],
  )
  const open = useOpenCalendars(visible.map((c) => c.id))
  const [range, setRange] = useState<{ from: number; to: number } | null>(null)
  const [dialog, setDialog] = useState<EventDialogMode | null>(null)
  const [error, setError] = useState<unknown>(null)
  const scopeQuestion = useScopeQuestion()
  const history = usePlannerUndo(open.handles)
  const zone = userTimeZone()

  // biome-ignore lint/correctness/useExhaustiveDependencies: `open.version` says when the docs changed
  const events = useMemo<EventInput[]>(() => {
    if (!range) return []
    const shown: EventInput[] = []
    for (const calendar of visible) {
      const handle = open.handles.get(calendar.id)
      if (!handle) continue
      const colour = calendarPrefs[calendar.id]?.colour ?? calendar.colour
      const editable = calendar.role !== 'viewer' && handle.access === 'read-write'
      for (const o of handle.occurrences(range.from, range.to, { viewZone: zone })) {
        const extendedProps: Shown = {
          calendarId: calendar.id,
          eventId: o.eventId,
          recurrenceId: o.recurrenceId,
          start: o.start,
          end: o.end,
          timeZone: o.timeZone,
        }
        shown.push({
          id: `${calendar.id}/${o.eventId}/${o.recurrenceId ?? ''}`,
          title: o.title,
          allDay: o.allDay,
          start: o.allDay ? o.start : o.startMs,
          end: o.allDay ? o.end : o.endMs,
          backgroundColor: colour,
          borderColor: colour,
          editable,
          classNames: o.status === 'tentative' ? ['tentative'] : [],
          extendedProps,
        })
      }
    }
    return shown
  }, [range, visible, open.handles, open.version, calendarPrefs, zone])

  const writable = calendars.filter((c) => c.role !== 'viewer')
  const openCreate = (start: string, end: string, allDay: boolean) => {
    const calendarId = writable[0]?.id
    if (!calendarId) {
      setError(new Problem('Create a calendar first, or ask to be made an editor of one.'))
      return
    }
    const draft: Draft = {
      calendarId,
      title: '',
      allDay,
      start,
      end,
      timeZone: zone,
      rrule: '',
      location: '',
      description: '',
      reminder: '',
    }
    setDialog({ kind: 'create', draft })
  }

  const onSelect = (arg: DateSelectArg) => {
    arg.view.calendar.unselect()
    if (arg.allDay)
      openCreate(arg.startStr.slice(0, 10), addDays(arg.endStr.slice(0, 10), -1), true)
    else
      openCreate(toWallTime(arg.start.getTime(), zone), toWallTime(arg.end.getTime(), zone), false)
  }

  const onNewEvent = () => {
    const start = new Date()
    start.setMinutes(0, 0, 0)
    start.setHours(start.getHours() + 1)
    openCreate(
      toWallTime(start.getTime(), zone),
      toWallTime(start.getTime() + 3_600_000, zone),
      false,
    )
  }

  const onClick = (arg: EventClickArg) => {
    arg.jsEvent.preventDefault()
    const shown = arg.event.extendedProps as Shown
    const handle = open.handles.get(shown.calendarId)
    const occurrence = handle
      ?.occurrences(arg.event.start ?? 0, (arg.event.end?.getTime() ?? 0) + 1, { viewZone: zone })
      .find((o) => o.eventId === shown.eventId && o.recurrenceId === shown.recurrenceId)
    const series = handle?.events().find((e) => e.id === shown.eventId)
    if (!occurrence || !series) return
    setDialog({
      kind: 'edit',
      draft: draftFromOccurrence(shown.calendarId, occurrence, series),
      target: { ...shown },
    })
  }

  const onMove = async (arg: EventDropArg | EventResizeDoneArg) => {
    const shown = arg.event.extendedProps as Shown
    const handle = open.handles.get(shown.calendarId)
    if (!handle || !arg.event.start) return arg.revert()
    let start: string
    let end: string
    if (arg.event.allDay) {
      start = arg.event.startStr.slice(0, 10)
      end = arg.event.endStr ? arg.event.endStr.slice(0, 10) : addDays(start, 1)
    } else {
      const endMs = arg.event.end?.getTime() ?? arg.event.start.getTime() + 3_600_000
      start = toWallTime(arg.event.start.getTime(), shown.timeZone)
      end = toWallTime(endMs, shown.timeZone)
    }
    const scope = shown.recurrenceId === null ? 'all' : await scopeQuestion.ask('Move')
    if (!scope) return arg.revert()
    try {
      editOccurrence(handle, shown as OccurrenceTarget, { start, end }, scope)
    } catch (caught) {
      arg.revert()
      setError(caught)
    }
  }

  const onCreated = (calendarId: string, eventId: string) => {
    // The planning space (notes, tasks, RSVP) needs a record at the auth
    // API; offline, the event page makes it later.
    client.api.createEventRecord(calendarId, eventId).catch(() => undefined)
  }

  return (
    <div className="planner">
      {open.openers}
      <CalendarSidebar calendars={calendars} prefs={prefs} />
      <section className="planner-main" aria-label="Calendar">
        <div className="planner-actions">
          <button type="button" className="primary" onClick={onNewEvent}>
            New event
          </button>
          <UndoRedo target={history} />
          <ErrorText error={error} />
          <span className="spacer" />
          <PlannerPresence handles={open.handles} />
        </div>
        <FullCalendar
          plugins={[dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin]}
          initialView={narrowScreen() ? 'listMonth' : 'dayGridMonth'}
          headerToolbar={{
            left: 'prev,next today',
            center: 'title',
            right: 'dayGridMonth,timeGridWeek,listMonth',
          }}
          buttonIcons={false}
          buttonText={{
            prev: '‹ Previous',
            next: 'Next ›',
            today: 'Today',
            month: 'Month',
            week: 'Week',
            list: 'Agenda',
          }}
          // A day cell is named by its date link only, so the events inside it
          // would make its name and its text disagree for screen readers.
          dayCellDidMount={(arg) => arg.el.removeAttribute('aria-labelledby')}
          timeZone="local"
          firstDay={1}
          height="auto"
          nowIndicator
          selectable={writable.length > 0}
          selectMirror
          eventAllow={(drop, dragged) => drop.allDay === (dragged?.allDay ?? drop.allDay)}
          events={events}
          datesSet={(arg) => setRange({ from: arg.start.getTime(), to: arg.end.getTime() })}
          select={onSelect}
          eventClick={onClick}
          eventDrop={(arg) => void onMove(arg)}
          eventResize={(arg) => void onMove(arg)}
          noEventsContent="Nothing planned in this period."
        />
      </section>
      {dialog && (
        <EventDialog
          mode={dialog}
          calendars={calendars}
          handles={open.handles}
          prefs={prefs}
          onCreated={onCreated}
          onClose={() => setDialog(null)}
        />
      )}
      {scopeQuestion.dialog}
    </div>
  )
}
