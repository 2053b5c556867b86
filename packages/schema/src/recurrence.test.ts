// Recurrence expansion across DST changes in two zones, compared with
// ical.js expanding the same events from an iCalendar file with VTIMEZONE
// definitions: same instants, EXDATEs left out, overrides applied.
import ICAL from 'ical.js'
import { describe, expect, it } from 'vitest'
import type { EventSummary } from './calendar-doc.ts'
import { expandEvent, expandEvents } from './recurrence.ts'

const VTIMEZONES = `BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:DAYLIGHT
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
DTSTART:20070311T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
DTSTART:20071104T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE`

function event(
  fields: Partial<EventSummary> & Pick<EventSummary, 'start' | 'end' | 'timeZone'>,
): EventSummary {
  return {
    id: 'e1',
    title: 'Standup',
    allDay: false,
    rrule: null,
    exdates: [],
    overrides: {},
    location: '',
    description: '',
    status: 'confirmed',
    reminders: [],
    ...fields,
  }
}

const ics = (value: string) => value.replace(/[-:]/g, '').padEnd(15, '0')

/** The start instants ical.js computes for the same event, within [from, to). */
function icalStarts(e: EventSummary, from: number, to: number): number[] {
  const exdates = e.exdates.map((d) => `EXDATE;TZID=${e.timeZone}:${ics(d)}`).join('\n')
  const text = `BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//plansync//test//EN\n${VTIMEZONES}\nBEGIN:VEVENT\nUID:e1\nDTSTAMP:20260101T000000Z\nDTSTART;TZID=${e.timeZone}:${ics(e.start)}\nDTEND;TZID=${e.timeZone}:${ics(e.end)}\nRRULE:${e.rrule}\n${exdates}\nEND:VEVENT\nEND:VCALENDAR`
  const calendar = new ICAL.Component(ICAL.parse(text.replace(/\n\n/g, '\n')))
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone)
  const expansion = new ICAL.Event(
    calendar.getFirstSubcomponent('vevent') as ICAL.Component,
  ).iterator()
  const starts: number[] = []
  for (let next = expansion.next(); next && starts.length < 500; next = expansion.next()) {
    const ms = next.toJSDate().getTime()
    if (ms >= to) break
    if (ms >= from) starts.push(ms)
  }
  return starts
}

const range = [Date.UTC(2026, 1, 1), Date.UTC(2026, 11, 1)] as const

describe('recurrence expansion', () => {
  for (const timeZone of ['Europe/Berlin', 'America/New_York']) {
    it(`matches ical.js for a weekly rule across both DST changes in ${timeZone}`, () => {
      const weekly = event({
        start: '2026-02-07T09:30',
        end: '2026-02-07T10:15',
        timeZone,
        rrule: 'FREQ=WEEKLY;BYDAY=SA,TU;UNTIL=20261130T235959Z',
        exdates: ['2026-03-31T09:30', '2026-10-27T09:30'],
      })
      const ours = expandEvent(weekly, ...range)
      expect(ours.map((o) => o.startMs)).toEqual(icalStarts(weekly, ...range))
      // Wall time stays 09:30 local on both sides of each change.
      expect(new Set(ours.map((o) => o.start.slice(11)))).toEqual(new Set(['09:30']))
      expect(ours.every((o) => o.endMs - o.startMs === 45 * 60 * 1000)).toBe(true)
      expect(ours.map((o) => o.recurrenceId)).not.toContain('2026-03-31T09:30')
    })

    it(`agrees with ical.js through the nights of both changes in ${timeZone} except where RFC 5545 decides`, () => {
      const nightly = event({
        start: '2026-03-01T02:30',
        end: '2026-03-01T03:00',
        timeZone,
        rrule: 'FREQ=DAILY;COUNT=300',
      })
      const ours = expandEvent(nightly, ...range)
      const theirs = icalStarts(nightly, ...range)
      expect(ours).toHaveLength(theirs.length)
      const differences = ours.flatMap((o, i) =>
        o.startMs === theirs[i]
          ? []
          : [{ day: o.start.slice(0, 10), oursMinusTheirs: o.startMs - (theirs[i] as number) }],
      )
      // RFC 5545 §3.3.5: a local time in the spring gap is read with the offset
      // before the gap (02:30 → 03:30 summer time); a time the autumn change
      // repeats means its first occurrence (summer time). ical.js takes the
      // other offset in both cases. In New York the repeated hour is 01:00-02:00,
      // so 02:30 is not doubled there.
      const expected =
        timeZone === 'Europe/Berlin'
          ? [
              { day: '2026-03-29', oursMinusTheirs: 3_600_000 },
              { day: '2026-10-25', oursMinusTheirs: -3_600_000 },
            ]
          : [{ day: '2026-03-08', oursMinusTheirs: 3_600_000 }]
      expect(differences).toEqual(expected)
      const gapDay = expected[0]?.day as string
      const gap = ours.findIndex((o) => o.start.startsWith(gapDay))
      expect(ours[gap]?.startMs).toBe((ours[gap - 1]?.startMs as number) + 24 * 3_600_000)
    })
  }

  it('applies an override to one occurrence and leaves the others', () => {
    const weekly = event({
      start: '2026-03-07T12:00',
      end: '2026-03-07T13:00',
      timeZone: 'Europe/Berlin',
      rrule: 'FREQ=WEEKLY;COUNT=4',
      overrides: {
        '2026-03-14T12:00': {
          title: 'Moved lunch',
          start: '2026-03-14T13:00',
          end: '2026-03-14T14:00',
        },
      },
    })
    const [first, second, third] = expandEvent(weekly, ...range)
    expect(first).toMatchObject({ title: 'Standup', start: '2026-03-07T12:00' })
    expect(second).toMatchObject({
      title: 'Moved lunch',
      start: '2026-03-14T13:00',
      recurrenceId: '2026-03-14T12:00',
    })
    expect(third).toMatchObject({ title: 'Standup', start: '2026-03-21T12:00' })
  })

  it('expands all-day events as dates with an exclusive end, and only within the range', () => {
    const weekend = event({
      allDay: true,
      start: '2026-06-06',
      end: '2026-06-08',
      timeZone: 'UTC',
      rrule: 'FREQ=MONTHLY;COUNT=3',
    })
    const june = expandEvent(weekend, Date.UTC(2026, 5, 1), Date.UTC(2026, 6, 1))
    expect(june).toHaveLength(1)
    expect(june[0]).toMatchObject({ start: '2026-06-06', end: '2026-06-08', allDay: true })
    expect(expandEvent(weekend, ...range).map((o) => o.start)).toEqual([
      '2026-06-06',
      '2026-07-06',
      '2026-08-06',
    ])
  })

  it('returns a one-off event that overlaps the range, sorted with others', () => {
    const late = event({ start: '2026-05-01T23:00', end: '2026-05-02T01:00', timeZone: 'UTC' })
    const early = {
      ...event({ start: '2026-05-01T08:00', end: '2026-05-01T09:00', timeZone: 'UTC' }),
      id: 'e0',
    }
    const may2 = Date.UTC(2026, 4, 2)
    expect(expandEvents([late, early], may2, may2 + 86_400_000).map((o) => o.eventId)).toEqual([
      'e1',
    ])
    expect(expandEvents([late, early], Date.UTC(2026, 4, 1), may2).map((o) => o.eventId)).toEqual([
      'e0',
      'e1',
    ])
  })

  it('finds an occurrence moved weeks away from its original start, in ranges around either', () => {
    const weekly = event({
      start: '2026-06-01T10:00',
      end: '2026-06-01T11:00',
      timeZone: 'Europe/Berlin',
      rrule: 'FREQ=WEEKLY',
      // The 1 June meeting is postponed to 17 June, and the 29 June one brought forward to 3 June.
      overrides: {
        '2026-06-01T10:00': { start: '2026-06-17T10:00', end: '2026-06-17T11:00' },
        '2026-06-29T10:00': { start: '2026-06-03T10:00', end: '2026-06-03T11:00' },
      },
    })
    const week = (from: string) =>
      expandEvent(weekly, Date.parse(from), Date.parse(from) + 7 * 864e5)
    expect(week('2026-06-14T22:00:00Z').map((o) => `${o.recurrenceId} ${o.start}`)).toEqual([
      '2026-06-15T10:00 2026-06-15T10:00',
      '2026-06-01T10:00 2026-06-17T10:00',
    ])
    expect(week('2026-05-31T22:00:00Z').map((o) => `${o.recurrenceId} ${o.start}`)).toEqual([
      '2026-06-29T10:00 2026-06-03T10:00',
    ])
    // Once the rule stops before the original start, the override is ignored.
    const ended = { ...weekly, rrule: 'FREQ=WEEKLY;COUNT=2' }
    expect(
      expandEvent(ended, Date.parse('2026-05-31T22:00:00Z'), Date.parse('2026-06-07T22:00:00Z')),
    ).toEqual([])
  })
})
