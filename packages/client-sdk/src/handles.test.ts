// Handles over docs a newer schema wrote open read-only: reads work, writes
// throw and change nothing.
import { describe, expect, it } from 'vitest'
import { CalendarHandle } from './calendar-handle.ts'
import { DocHandle } from './doc-handle.ts'
import { EventHandle } from './event-handle.ts'
import { createMemoryStore } from './storage/memory-store.ts'

function offlineHandle(name: string): DocHandle {
  // No server: the token getter refuses, so the handle stays local.
  const denied = Object.assign(new Error('offline test'), { authDenied: true })
  return new DocHandle(
    name,
    createMemoryStore(),
    { url: 'ws://127.0.0.1:9/sync', getToken: () => Promise.reject(denied) },
    () => {},
  )
}

describe('handles over newer docs', () => {
  it('opens a calendar and an event written by a newer schema read-only', async () => {
    const calendarDoc = offlineHandle('calendar:new')
    await calendarDoc.open()
    calendarDoc.doc.getMap('meta').set('schemaVersion', 99)
    const calendar = new CalendarHandle('new', calendarDoc)
    expect(calendar.access).toBe('read-only')
    expect(calendar.events()).toEqual([])
    expect(() =>
      calendar.createEvent({ title: 'x', start: '2026-01-01T10:00', end: '2026-01-01T11:00' }),
    ).toThrow(/newer version/)
    expect(calendar.doc.getMap('events').size).toBe(0)

    const eventDoc = offlineHandle('event:new')
    await eventDoc.open()
    eventDoc.doc.getMap('meta').set('schemaVersion', 99)
    const event = new EventHandle('new', eventDoc, 'ann')
    expect(event.access).toBe('read-only')
    expect(() => event.addTask({ title: 'x' })).toThrow(/newer version/)
    expect(event.tasks()).toEqual([])
    await calendar.close()
    await event.close()
  })

  it('says what changed: event ids in a calendar, parts of an event', async () => {
    const calendarDoc = offlineHandle('calendar:what')
    await calendarDoc.open()
    const calendar = new CalendarHandle('what', calendarDoc)
    const seen: string[][] = []
    calendar.on('change', (origin, what) => seen.push([origin, ...what]))
    const id = calendar.createEvent({
      title: 'a',
      start: '2026-01-01T10:00',
      end: '2026-01-01T11:00',
    })
    calendar.updateEvent(id, { title: 'b' })
    calendar.doc.getMap('meta').set('name', 'Home')
    expect(seen).toEqual([
      ['local', id],
      ['local', id],
      ['local', 'meta'],
    ])

    const eventDoc = offlineHandle('event:what')
    await eventDoc.open()
    const event = new EventHandle('what', eventDoc, 'ann')
    const parts: string[][] = []
    event.on('change', (_origin, what) => parts.push(what))
    event.addTask({ title: 'Tent' })
    event.notes.insert(0, 'hi')
    event.rsvp('yes')
    expect(parts).toEqual([['tasks'], ['notes'], ['participants']])
    await calendar.close()
    await event.close()
  })

  it('opens a current doc read-write and records the schema version', async () => {
    const handle = offlineHandle('calendar:cur')
    await handle.open()
    const calendar = new CalendarHandle('cur', handle)
    expect(calendar.access).toBe('read-write')
    expect(calendar.doc.getMap('meta').get('schemaVersion')).toBe(1)
    expect(handle.status.state).toBe('needs-auth')
    await calendar.close()
  })
})
