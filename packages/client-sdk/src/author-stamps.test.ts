// The handles stamp the signed-in user on what the notifier tells people
// about (see @plansync/schema authorship): events created, moved, changed
// in an occurrence or cancelled, events deleted, tasks assigned. With no
// user known yet, writes go unstamped.
import {
  eventParts,
  eventsOf,
  readDeletedBy,
  readEventAuthor,
  readTaskAssigner,
} from '@plansync/schema'
import { describe, expect, it } from 'vitest'
import { CalendarHandle } from './calendar-handle.ts'
import { DocHandle } from './doc-handle.ts'
import { EventHandle } from './event-handle.ts'
import { createMemoryStore } from './storage/memory-store.ts'

async function offlineDoc(name: string): Promise<DocHandle> {
  const denied = Object.assign(new Error('offline test'), { authDenied: true })
  const doc = new DocHandle(
    name,
    createMemoryStore(),
    { url: 'ws://127.0.0.1:9/sync', getToken: () => Promise.reject(denied) },
    () => {},
  )
  await doc.open()
  return doc
}

const picnic = { title: 'Picnic', start: '2026-06-06T12:00', end: '2026-06-06T15:00' }
const ignore = () => {}

describe('author stamps', () => {
  it('stamps calendar writes with whoever is signed in at the time', async () => {
    let user: string | null = null
    const calendar = new CalendarHandle('family', await offlineDoc('calendar:family'), {
      userId: () => user,
      now: () => Date.UTC(2026, 5, 1),
    })
    const authorOf = (id: string) =>
      readEventAuthor(eventsOf(calendar.doc).get(id), id, ignore)?.userId ?? null
    const early = calendar.createEvent(picnic)
    expect(authorOf(early)).toBeNull()
    user = 'u-ann'
    const id = calendar.createEvent(picnic)
    expect(authorOf(id)).toBe('u-ann')
    user = 'u-bob'
    calendar.updateEvent(id, { title: 'Big picnic' })
    expect(authorOf(id)).toBe('u-ann')
    calendar.moveEvent(id, '2026-06-07T12:00', '2026-06-07T15:00')
    expect(authorOf(id)).toBe('u-bob')
    user = 'u-ann'
    calendar.updateEvent(id, { status: 'cancelled' })
    expect(authorOf(id)).toBe('u-ann')
    const series = calendar.createEvent({ ...picnic, rrule: 'FREQ=WEEKLY' })
    user = 'u-bob'
    calendar.deleteEvent(series, { recurrenceId: '2026-06-13T12:00', scope: 'this' })
    expect(authorOf(series)).toBe('u-bob')
    calendar.deleteEvent(id)
    expect(readDeletedBy(calendar.doc, ignore)).toEqual(new Map([[id, 'u-bob']]))
    await calendar.close()
  })

  it('stamps who assigned a task', async () => {
    const event = new EventHandle('picnic', await offlineDoc('event:picnic'), 'u-ann')
    const assignerOf = (id: string) =>
      readTaskAssigner(eventParts(event.doc).tasks.get(id), id, ignore)?.userId ?? null
    const chairs = event.addTask({ title: 'Chairs', assignee: 'u-bob' })
    const cake = event.addTask({ title: 'Cake' })
    expect([assignerOf(chairs), assignerOf(cake)]).toEqual(['u-ann', null])
    event.updateTask(cake, { assignee: 'u-ann' })
    expect(assignerOf(cake)).toBe('u-ann')
    await event.close()
  })
})
