// .ics import: what Google and Outlook export comes in with its zones,
// recurrence, left-out and changed occurrences and all-day events; alarms
// stay out; re-imports replace instead of duplicating; a bad or hostile
// file fails whole with its reasons and changes nothing.

import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { readEvents } from '../calendar-doc.ts'
import { expandEvents } from '../recurrence.ts'
import { idForUid, importIcs } from './import-ics.ts'
import { IcsImportError } from './parse-ics.ts'

const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`

const BERLIN = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
]

function googleExport(title = 'Football') {
  return crlf([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    ...BERLIN,
    'BEGIN:VEVENT',
    'UID:football-123@google.com',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;TZID=Europe/Berlin:20260321T100000',
    'DTEND;TZID=Europe/Berlin:20260321T113000',
    'RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=4',
    'EXDATE;TZID=Europe/Berlin:20260404T100000',
    `SUMMARY:${title}`,
    'LOCATION:Riverside park\\, pitch 3',
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    'TRIGGER:-PT30M',
    'END:VALARM',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:football-123@google.com',
    'DTSTAMP:20260101T000000Z',
    'RECURRENCE-ID;TZID=Europe/Berlin:20260328T100000',
    'DTSTART;TZID=Europe/Berlin:20260328T120000',
    'DTEND;TZID=Europe/Berlin:20260328T133000',
    `SUMMARY:${title} (late)`,
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:trip-9@google.com',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;VALUE=DATE:20260410',
    'DTEND;VALUE=DATE:20260413',
    'SUMMARY:Trip',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:call-7@google.com',
    'DTSTAMP:20260101T000000Z',
    'DTSTART:20260312T160000Z',
    'DTEND:20260312T163000Z',
    'SUMMARY:Call',
    'STATUS:TENTATIVE',
    'END:VEVENT',
    'END:VCALENDAR',
  ])
}

const occurrences = (doc: Y.Doc) =>
  expandEvents(readEvents(doc), Date.UTC(2026, 2, 1), Date.UTC(2026, 4, 1))
    .filter((o) => o.status !== 'cancelled')
    .map((o) => `${o.title} ${o.allDay ? o.start : new Date(o.startMs).toISOString()}`)

describe('importIcs', () => {
  it('brings in zones, recurrence, left-out and changed occurrences and all-day events, without alarms', () => {
    const doc = new Y.Doc()
    expect(importIcs(doc, googleExport(), { defaultTimeZone: 'Europe/Berlin' })).toEqual({
      created: 3,
      updated: 0,
      unchanged: 0,
      removed: 0,
    })
    expect(occurrences(doc)).toEqual([
      'Call 2026-03-12T16:00:00.000Z',
      'Football 2026-03-21T09:00:00.000Z', // CET
      'Football (late) 2026-03-28T11:00:00.000Z', // moved to 12:00, still CET
      'Trip 2026-04-10',
      'Football 2026-04-11T08:00:00.000Z', // CEST; 4 April left out
    ])
    const football = readEvents(doc).find((e) => e.id === idForUid('football-123@google.com'))
    expect(football).toMatchObject({
      timeZone: 'Europe/Berlin',
      location: 'Riverside park, pitch 3',
      reminders: [],
    })
    expect(readEvents(doc).find((e) => e.title === 'Call')).toMatchObject({
      status: 'tentative',
      timeZone: 'UTC',
    })
  })

  it('updates events imported before instead of duplicating them, and writes nothing when unchanged', () => {
    const doc = new Y.Doc()
    importIcs(doc, googleExport(), { defaultTimeZone: 'UTC' })
    const stateAfterFirst = Y.encodeStateVector(doc)
    expect(importIcs(doc, googleExport(), { defaultTimeZone: 'UTC' })).toEqual({
      created: 0,
      updated: 0,
      unchanged: 3,
      removed: 0,
    })
    expect(Y.encodeStateVector(doc)).toEqual(stateAfterFirst)
    expect(importIcs(doc, googleExport('Training'), { defaultTimeZone: 'UTC' })).toEqual({
      created: 0,
      updated: 1,
      unchanged: 2,
      removed: 0,
    })
    expect(readEvents(doc)).toHaveLength(3)
    expect(occurrences(doc)).toContain('Training (late) 2026-03-28T11:00:00.000Z')
  })

  it('keeps sources apart by prefix and removes what a subscribed file dropped', () => {
    const doc = new Y.Doc()
    importIcs(doc, googleExport(), { defaultTimeZone: 'UTC' })
    const sub = { defaultTimeZone: 'UTC', idPrefix: 'sub-a-', removeMissing: true }
    expect(importIcs(doc, googleExport(), sub).created).toBe(3)
    const fewer = googleExport().replace(/BEGIN:VEVENT\r\nUID:trip-9[\s\S]*?END:VEVENT\r\n/, '')
    expect(importIcs(doc, fewer, sub)).toMatchObject({ removed: 1, unchanged: 2 })
    // The plain import's copy of the trip is untouched.
    expect(
      readEvents(doc)
        .filter((e) => e.title === 'Trip')
        .map((e) => e.id),
    ).toEqual([idForUid('trip-9@google.com')])
  })

  it("converts a zone only the file's VTIMEZONE knows (Outlook's Windows names) through UTC", () => {
    const doc = new Y.Doc()
    const outlook = crlf([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
      ...BERLIN.map((line) => line.replace('Europe/Berlin', 'W. Europe Standard Time')),
      'BEGIN:VEVENT',
      'UID:040000008200E00074C5B7101A82E008',
      'DTSTAMP:20260101T000000Z',
      'DTSTART;TZID=W. Europe Standard Time:20260701T100000',
      'DTEND;TZID=W. Europe Standard Time:20260701T110000',
      'SUMMARY:Dentist',
      'END:VEVENT',
      'END:VCALENDAR',
    ])
    importIcs(doc, outlook, { defaultTimeZone: 'UTC' })
    expect(readEvents(doc)[0]).toMatchObject({ timeZone: 'UTC', start: '2026-07-01T08:00' })
  })

  it('fails a bad or hostile file whole, with its reasons, changing nothing', () => {
    const doc = new Y.Doc()
    importIcs(doc, googleExport(), { defaultTimeZone: 'UTC' })
    const before = Y.encodeStateVector(doc)
    const attempts: Array<[string, RegExp]> = [
      ['this is not a calendar', /not an iCalendar file/],
      [googleExport('x'.repeat(600)), /cannot take/],
      [googleExport().replace('FREQ=WEEKLY', 'FREQ=SOMETIMES'), /invalid frequency/],
      [googleExport().replace('UID:trip-9@google.com\r\n', ''), /no UID/],
      [
        crlf([
          'BEGIN:VCALENDAR',
          'VERSION:2.0',
          'PRODID:-//test//EN',
          'BEGIN:VEVENT',
          'UID:orphan@test',
          'DTSTAMP:20260101T000000Z',
          'RECURRENCE-ID:20260328T100000Z',
          'DTSTART:20260328T120000Z',
          'SUMMARY:A changed occurrence alone',
          'END:VEVENT',
          'END:VCALENDAR',
        ]),
        /series is not in the file/,
      ],
    ]
    for (const [text, reason] of attempts) {
      let thrown: unknown
      try {
        importIcs(doc, text, { defaultTimeZone: 'UTC' })
      } catch (error) {
        thrown = error
      }
      expect(thrown, String(reason)).toBeInstanceOf(IcsImportError)
      expect((thrown as Error).message).toMatch(reason)
    }
    expect(() =>
      importIcs(doc, googleExport(), { defaultTimeZone: 'UTC', maxBytes: 1024 }),
    ).toThrow(/larger than 1 KiB/)
    expect(Y.encodeStateVector(doc)).toEqual(before)
  })
})
