// Reads an .ics file (RFC 5545) into plansync events with ical.js: wall
// times and their IANA zone as the file gives them (a zone ical.js or the
// platform does not know, such as Outlook's Windows names, is converted to
// UTC through the file's VTIMEZONE), RRULE, EXDATE, changed occurrences
// (RECURRENCE-ID), all-day events. Alarms are not imported: reminders start
// muted. Anything unreadable fails the whole file with the reasons.
import ICAL from 'ical.js'
import { encodeUtf8 } from 'lib0/string'

export interface ImportedEvent {
  uid: string
  title: string
  allDay: boolean
  start: string
  end: string
  timeZone: string
  rrule: string | null
  location: string
  description: string
  status: 'confirmed' | 'tentative' | 'cancelled'
  /** Recurrence ids (wall times in `timeZone`, or dates) of left-out occurrences. */
  exdates: string[]
  /** Changed occurrences, by recurrence id. */
  overrides: Array<{ recurrenceId: string; fields: OccurrenceFields }>
}

export type OccurrenceFields = Pick<
  ImportedEvent,
  'title' | 'start' | 'end' | 'location' | 'description' | 'status'
>

export class IcsImportError extends Error {
  readonly problems: readonly string[]
  constructor(message: string, problems: readonly string[] = []) {
    super(problems.length > 0 ? `${message}: ${problems.slice(0, 5).join('; ')}` : message)
    this.name = 'IcsImportError'
    this.problems = problems
  }
}

export interface ParseOptions {
  /** For floating times (no zone in the file). */
  defaultTimeZone: string
  maxBytes?: number
  maxEvents?: number
}

const DEFAULT_MAX_BYTES = 2 * 1024 * 1024
const DEFAULT_MAX_EVENTS = 5000

export function parseIcs(text: string, options: ParseOptions): ImportedEvent[] {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  if (encodeUtf8(text).byteLength > maxBytes) {
    throw new IcsImportError(`the file is larger than ${Math.round(maxBytes / 1024)} KiB`)
  }
  let calendar: ICAL.Component
  try {
    calendar = new ICAL.Component(ICAL.parse(text))
  } catch (error) {
    throw new IcsImportError(`not an iCalendar file (${(error as Error).message})`)
  }
  if (calendar.name !== 'vcalendar')
    throw new IcsImportError('not an iCalendar file (no VCALENDAR)')
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone)
  const vevents = calendar.getAllSubcomponents('vevent')
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS
  if (vevents.length > maxEvents) throw new IcsImportError(`more than ${maxEvents} events`)

  const problems: string[] = []
  const masters = new Map<string, ImportedEvent>()
  const exceptions: Array<{ uid: string; recurrenceId: ICAL.Time; event: ICAL.Event }> = []
  for (const [index, vevent] of vevents.entries()) {
    try {
      const event = new ICAL.Event(vevent)
      if (!event.uid) throw new Error('no UID')
      if (event.isRecurrenceException()) {
        exceptions.push({ uid: event.uid, recurrenceId: event.recurrenceId, event })
      } else {
        masters.set(event.uid, readEvent(event, options.defaultTimeZone))
      }
    } catch (error) {
      problems.push(`event ${index + 1}: ${(error as Error).message}`)
    }
  }
  for (const { uid, recurrenceId, event } of exceptions) {
    const master = masters.get(uid)
    if (!master) {
      problems.push(`a changed occurrence of ${uid}, whose series is not in the file`)
      continue
    }
    try {
      const changed = readEvent(event, master.timeZone)
      master.overrides.push({
        recurrenceId: wallIn(recurrenceId, master.timeZone, master.allDay),
        fields: {
          title: changed.title,
          start: changed.start,
          end: changed.end,
          location: changed.location,
          description: changed.description,
          status: changed.status,
        },
      })
    } catch (error) {
      problems.push(`a changed occurrence of ${uid}: ${(error as Error).message}`)
    }
  }
  if (problems.length > 0)
    throw new IcsImportError('the file has events that cannot be read', problems)
  return [...masters.values()]
}

function readEvent(event: ICAL.Event, fallbackZone: string): ImportedEvent {
  const start = event.startDate
  if (!start) throw new Error('no DTSTART')
  const allDay = start.isDate
  const timeZone = allDay ? fallbackZone : zoneOf(start, fallbackZone)
  const end = event.endDate ?? start
  const component = event.component
  const rrule = component.getFirstPropertyValue('rrule') as ICAL.Recur | null
  const exdates: string[] = []
  for (const property of component.getAllProperties('exdate')) {
    for (const value of property.getValues() as ICAL.Time[]) {
      exdates.push(wallIn(value, timeZone, allDay))
    }
  }
  const status = String(component.getFirstPropertyValue('status') ?? 'CONFIRMED').toUpperCase()
  return {
    uid: event.uid,
    title: event.summary ?? '',
    allDay,
    start: wallIn(start, timeZone, allDay),
    end: wallIn(end, timeZone, allDay),
    timeZone,
    rrule: rrule ? rrule.toString() : null,
    location: event.location ?? '',
    description: event.description ?? '',
    status:
      status === 'CANCELLED' ? 'cancelled' : status === 'TENTATIVE' ? 'tentative' : 'confirmed',
    exdates,
    overrides: [],
  }
}

/**
 * A time's TZID: ical.js keeps it on `timezone` (not in its types) when the
 * file has no VTIMEZONE for it, and on `zone` when it has one.
 */
function tzidOf(time: ICAL.Time): string | undefined {
  return (time as unknown as { timezone?: string }).timezone ?? time.zone?.tzid
}

/** The IANA zone a time is in: its TZID if the platform knows it, UTC otherwise. */
function zoneOf(time: ICAL.Time, fallbackZone: string): string {
  const tzid = tzidOf(time)
  if (!tzid || tzid === 'floating') return fallbackZone
  if (tzid === 'UTC' || tzid === 'Z') return 'UTC'
  return isIanaZone(tzid) ? tzid : 'UTC'
}

/** `YYYY-MM-DDTHH:mm` in `zone` (or `YYYY-MM-DD` for dates), converting when the time is elsewhere. */
function wallIn(time: ICAL.Time, zone: string, allDay: boolean): string {
  if (allDay || time.isDate) return `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`
  const own = tzidOf(time)
  if (own === zone || !own || own === 'floating' || (own === 'Z' && zone === 'UTC')) {
    return `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}T${pad(time.hour)}:${pad(time.minute)}`
  }
  // Another zone (or one only the file's VTIMEZONE knows): through the instant.
  return wallOfInstant(time.toJSDate().getTime(), zone)
}

function wallOfInstant(ms: number, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  )
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`
}

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0')
}
