// Feeds as calendar apps read them: parsed with ical.js and node-ical, the
// occurrences (across the DST change in two zones, with a moved and a
// cancelled occurrence and an all-day event) equal the schema's own
// expansion; byte-identical renders against a golden file; free/busy leaks
// nothing; CRLF line ends and 75-octet folding.
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  createEvent,
  deleteOccurrence,
  type EventSummary,
  expandEvents,
  readEvents,
  updateEvent,
  updateOccurrence,
} from '@plansync/schema'
import ICAL from 'ical.js'
import nodeIcal, { type VEvent } from 'node-ical'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { renderFeed } from './render-feed.ts'

const golden = path.join(import.meta.dirname, 'golden', 'family.ics')
const FROM = Date.parse('2026-03-01T00:00:00Z')
const TO = Date.parse('2026-05-01T00:00:00Z')

function familyCalendar(): EventSummary[] {
  const doc = new Y.Doc()
  createEvent(doc, 'football', {
    title: 'Football practice',
    start: '2026-03-21T10:00',
    end: '2026-03-21T11:30',
    timeZone: 'Europe/Berlin',
    rrule: 'FREQ=WEEKLY;BYDAY=SA;COUNT=4',
    location: 'Riverside park, pitch 3',
    description: 'Bring shin pads; the long description goes past seventy-five octets with ümlauts',
  })
  updateOccurrence(
    doc,
    { eventId: 'football', recurrenceId: '2026-03-28T10:00' },
    'this',
    { start: '2026-03-28T12:00', end: '2026-03-28T13:30' },
    () => 'x',
  )
  updateOccurrence(
    doc,
    { eventId: 'football', recurrenceId: '2026-04-04T10:00' },
    'this',
    { status: 'cancelled' },
    () => 'x',
  )
  createEvent(doc, 'standup', {
    title: 'Standup',
    start: '2026-03-06T09:00',
    end: '2026-03-06T09:15',
    timeZone: 'America/New_York',
    rrule: 'FREQ=WEEKLY;BYDAY=FR;COUNT=3',
  })
  createEvent(doc, 'trip', {
    title: 'Trip to the coast',
    allDay: true,
    start: '2026-04-10',
    end: '2026-04-13',
    timeZone: 'Europe/Berlin',
  })
  return readEvents(doc)
}

function render(events: EventSummary[], busyOnly = false): string {
  const versions = new Map(events.map((e) => [e.id, { sequence: 1, stamp: Date.UTC(2026, 0, 2) }]))
  return renderFeed({
    name: 'Family',
    calendars: [{ name: 'Family', events, versions }],
    busyOnly,
    refreshMinutes: 15,
  })
}

/** Timed occurrences as `<start ISO>` instants, all-day ones as their date; cancelled ones left out. */
function schemaStarts(events: EventSummary[]): string[] {
  return expandEvents(events, FROM, TO)
    .filter((o) => o.status !== 'cancelled')
    .map((o) => (o.allDay ? o.start : new Date(o.startMs).toISOString()))
    .sort()
}

describe('renderFeed', () => {
  it('renders byte-identically, as the golden file says', async () => {
    const text = render(familyCalendar())
    expect(render(familyCalendar())).toBe(text)
    if (process.env.UPDATE_GOLDEN) await writeFile(golden, text)
    expect(text).toBe(await readFile(golden, 'utf8'))
  })

  it('gives ical.js the same occurrences as the schema, across DST in two zones', () => {
    const events = familyCalendar()
    const calendar = new ICAL.Component(ICAL.parse(render(events)))
    for (const zone of calendar.getAllSubcomponents('vtimezone')) {
      ICAL.TimezoneService.register(zone)
    }
    const vevents = calendar.getAllSubcomponents('vevent')
    const masters = vevents.filter((v) => !v.hasProperty('recurrence-id'))
    const starts: string[] = []
    for (const master of masters) {
      const event = new ICAL.Event(master)
      for (const exception of vevents.filter(
        (v) => v.hasProperty('recurrence-id') && v.getFirstPropertyValue('uid') === event.uid,
      )) {
        event.relateException(exception)
      }
      const iterator = event.iterator()
      for (let next = iterator.next(); next && starts.length < 100; next = iterator.next()) {
        const details = event.getOccurrenceDetails(next)
        const start = details.startDate
        const value = start.isDate ? start.toString() : start.toJSDate().toISOString()
        const ms = start.toJSDate().getTime()
        if (ms >= TO) break
        if (ms >= FROM) starts.push(value)
        if (!event.isRecurring()) break
      }
    }
    expect(starts.sort()).toEqual(schemaStarts(events))
  })

  it('gives node-ical the same occurrences as the schema', () => {
    const events = familyCalendar()
    const parsed = nodeIcal.sync.parseICS(render(events))
    const starts: string[] = []
    for (const component of Object.values(parsed)) {
      if (component?.type !== 'VEVENT') continue
      const vevent = component as VEvent
      const instances = nodeIcal.expandRecurringEvent(vevent, {
        from: new Date(FROM),
        to: new Date(TO - 1),
      })
      for (const instance of instances) {
        starts.push(
          instance.isFullDay
            ? (events.find((e) => e.allDay)?.start ?? '')
            : new Date(instance.start).toISOString(),
        )
      }
    }
    expect(starts.sort()).toEqual(schemaStarts(events))
  })

  it('leaves titles, places and descriptions out of the free/busy variant', () => {
    const text = render(familyCalendar(), true)
    for (const secret of ['Football', 'Riverside', 'shin pads', 'Standup', 'coast']) {
      expect(text).not.toContain(secret)
    }
    expect(text).toContain('SUMMARY:Busy')
    expect(text).toContain('CLASS:PRIVATE')
    expect(text).toContain('RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=4')
  })

  it('ends every line with CRLF, folds at 75 octets, and says how often to refresh', () => {
    const text = render(familyCalendar())
    expect(text.endsWith('\r\n')).toBe(true)
    expect(text.replaceAll('\r\n', '')).not.toContain('\n')
    for (const line of text.split('\r\n')) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75)
    }
    expect(text).toContain('REFRESH-INTERVAL;VALUE=DURATION:PT15M')
    expect(text).toContain('X-PUBLISHED-TTL:PT15M')
    expect(text).not.toMatch(/TZID=UTC/)
    expect(text).toMatch(/BEGIN:VTIMEZONE\r\nTZID:America\/New_York/)
    expect(text).toContain('DTSTART;VALUE=DATE:20260410')
    expect(text).toContain('DTEND;VALUE=DATE:20260413')
    expect(text).toContain('DTSTAMP:20260102T000000Z')
    expect(text).toContain('EXDATE;TZID=Europe/Berlin:20260404T100000')
    expect(text).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20260328T100000')
  })

  it('renders no RECURRENCE-ID for occurrences the rule no longer makes or that were deleted', () => {
    const doc = new Y.Doc()
    createEvent(doc, 'f', {
      title: 'Football',
      start: '2026-03-21T10:00',
      end: '2026-03-21T11:00',
      timeZone: 'Europe/Berlin',
      rrule: 'FREQ=WEEKLY;BYDAY=SA;COUNT=4',
    })
    updateOccurrence(
      doc,
      { eventId: 'f', recurrenceId: '2026-03-28T10:00' },
      'this',
      { start: '2026-03-28T12:00', end: '2026-03-28T13:00' },
      () => 'x',
    )
    // The series moves to Sundays: the Saturday override is left behind.
    updateEvent(doc, 'f', {
      start: '2026-03-22T10:00',
      end: '2026-03-22T11:00',
      rrule: 'FREQ=WEEKLY;BYDAY=SU;COUNT=4',
    })
    createEvent(doc, 'g', {
      title: 'Yoga',
      start: '2026-03-02T18:00',
      end: '2026-03-02T19:00',
      timeZone: 'America/New_York',
      rrule: 'FREQ=WEEKLY;COUNT=3',
    })
    updateOccurrence(
      doc,
      { eventId: 'g', recurrenceId: '2026-03-09T18:00' },
      'this',
      { title: 'Yoga (hall B)' },
      () => 'x',
    )
    deleteOccurrence(doc, { eventId: 'g', recurrenceId: '2026-03-09T18:00' }, 'this')
    const events = readEvents(doc)
    const text = render(events)
    expect(text).not.toContain('RECURRENCE-ID')
    const starts: string[] = []
    for (const component of Object.values(nodeIcal.sync.parseICS(text))) {
      if (component?.type !== 'VEVENT') continue
      for (const instance of nodeIcal.expandRecurringEvent(component as VEvent, {
        from: new Date(FROM),
        to: new Date(TO - 1),
      })) {
        starts.push(new Date(instance.start).toISOString())
      }
    }
    expect(starts.sort()).toEqual(schemaStarts(events))
  })
})
