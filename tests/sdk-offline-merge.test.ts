// Two SDK clients edit the same calendar and event while offline, one
// restarts from its local store, both reconnect, and they converge to the
// documented merge results: different fields of one event merge, the same
// field ends with one value on both, concurrent task adds all survive, a
// delete wins over an edit, and undo takes back only one's own change.
import type { CalendarHandle, EventHandle } from '@plansync/client-sdk'
import { describe, expect, it } from 'vitest'
import { useEmbeddedServer } from './utils/sdk-harness.ts'
import { waitFor } from './utils/wait.ts'

const picnic = {
  title: 'Picnic',
  start: '2026-06-06T12:00',
  end: '2026-06-06T15:00',
  timeZone: 'Europe/Berlin',
}

describe('SDK offline edits merge', () => {
  const harness = useEmbeddedServer()
  const client = (name: string, session?: string | null) => harness.client(name, session)
  const saved = (...handles: Array<CalendarHandle | EventHandle>) =>
    handles.every((h) => h.status.state === 'synced' && h.status.pending === 0)

  it('converges to the documented merge after offline edits and a restart', async () => {
    const ann = client('ann')
    const bob = client('bob')
    await ann.register({ username: 'merge-ann', password: 'a long password for ann' })
    await bob.register({ username: 'merge-bob', password: 'a long password for bob' })
    const { calendar } = await ann.api.createCalendar({ name: 'Weekend' })
    const { link } = await ann.api.invite(calendar.id, { username: 'merge-bob', role: 'editor' })
    await bob.api.acceptInvite(link.split('/invite/')[1] as string)
    const planning = await ann.api.createEventRecord(calendar.id)

    const annCal = await ann.openCalendar(calendar.id)
    const annEvent = await ann.openEvent(planning.id)
    const picnicId = annCal.createEvent(picnic)
    const bbqId = annCal.createEvent({
      ...picnic,
      title: 'BBQ',
      start: '2026-06-07T18:00',
      end: '2026-06-07T21:00',
    })
    annEvent.addTask({ title: 'Tent' })
    let bobCal = await bob.openCalendar(calendar.id)
    let bobEvent = await bob.openEvent(planning.id)
    await waitFor(
      () =>
        saved(annCal, annEvent, bobCal, bobEvent) &&
        bobCal.events().length === 2 &&
        bobEvent.tasks().length === 1,
      'shared state',
    )

    for (const h of [annCal, annEvent, bobCal, bobEvent]) h.connection.disconnect()
    annCal.updateEvent(picnicId, { title: 'Picnic at the lake' }) // different fields of one event
    bobCal.updateEvent(picnicId, { location: 'North shore' })
    annCal.updateEvent(picnicId, { description: 'ann says: bring salad' }) // the same field
    bobCal.updateEvent(picnicId, { description: 'bob says: bring bread' })
    annEvent.addTask({ title: 'Food', assignee: null }) // concurrent task adds
    bobEvent.addTask({ title: 'Car' })
    bobEvent.addTask({ title: 'Games' })
    annCal.deleteEvent(bbqId) // a delete against the edit above
    bobCal.updateEvent(bbqId, { title: 'BBQ (edited offline)' })
    bobEvent.notes.insert(0, 'Meet at 11. ')
    expect(bobCal.status.pending).toBeGreaterThan(0)

    // Bob's app restarts while still offline: his edits come back from the file store.
    const session = bob.session
    await bobCal.close()
    await bobEvent.close()
    await bob.close()
    const bobAgain = client('bob', session)
    await bobAgain.restoreUser()
    bobCal = await bobAgain.openCalendar(calendar.id)
    bobEvent = await bobAgain.openEvent(planning.id)
    expect(bobCal.events().find((e) => e.id === picnicId)?.location).toBe('North shore')
    expect(bobEvent.notes.toString()).toBe('Meet at 11. ')

    annCal.connection.connect()
    annEvent.connection.connect()
    await waitFor(
      () => saved(annCal, annEvent, bobCal, bobEvent),
      'all saved after reconnect',
      10_000,
    )
    await waitFor(
      () => JSON.stringify(annCal.events()) === JSON.stringify(bobCal.events()),
      'calendars equal',
    )
    await waitFor(
      () => JSON.stringify(annEvent.tasks()) === JSON.stringify(bobEvent.tasks()),
      'tasks equal',
    )

    const merged = annCal.events()
    expect(merged.map((e) => e.id)).toEqual([picnicId]) // the delete won over the offline edit
    expect(merged[0]).toMatchObject({ title: 'Picnic at the lake', location: 'North shore' })
    expect(['ann says: bring salad', 'bob says: bring bread']).toContain(merged[0]?.description)
    expect(
      annEvent
        .tasks()
        .map((t) => t.title)
        .sort(),
    ).toEqual(['Car', 'Food', 'Games', 'Tent'])
    expect(annEvent.notes.toString()).toBe('Meet at 11. ')

    // Undo takes back only this user's own change, and the undo syncs too.
    annCal.undoManager.clear()
    annCal.updateEvent(picnicId, { title: 'Picnic (ann)' })
    bobCal.updateEvent(picnicId, { location: 'South shore' })
    const both = (h: CalendarHandle) =>
      h.events()[0]?.title === 'Picnic (ann)' && h.events()[0]?.location === 'South shore'
    await waitFor(() => both(annCal) && both(bobCal), 'both edits everywhere')
    annCal.undo()
    expect(annCal.events()[0]).toMatchObject({
      title: 'Picnic at the lake',
      location: 'South shore',
    })
    await waitFor(() => bobCal.events()[0]?.title === 'Picnic at the lake', 'the undo reaches bob')
    expect(bobCal.events()[0]?.location).toBe('South shore')
  })
})
