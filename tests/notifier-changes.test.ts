// Change notifications in `npm start`: bob is invited by username and finds
// the invitation (with its link) in his inbox; ann moves an event in their
// shared calendar, assigns bob a task and bob's seat is confirmed, and bob
// is told each once; an import arrives as one summary; a restart sends
// nothing again. Nobody is told of their own change: what ann creates,
// moves, cancels or assigns to herself reaches bob's inbox, not hers, and
// the other way round for what bob creates, deletes or assigns to ann.
import type { InboxHandle, PlansyncClient } from '@plansync/client-sdk'
import { describe, expect, it } from 'vitest'
import { useEmbeddedServer } from './utils/sdk-harness.ts'
import { waitFor } from './utils/wait.ts'

const kindsOf = (inbox: InboxHandle) => inbox.entries().map((entry) => entry.kind)
const has = (inbox: InboxHandle, kind: string) => kindsOf(inbox).includes(kind)

const ics = (count: number) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//plansync tests//EN',
    ...Array.from({ length: count }, (_, i) => [
      'BEGIN:VEVENT',
      `UID:match-${i}@club.example`,
      'DTSTAMP:20260501T000000Z',
      `DTSTART:202607${String(i + 1).padStart(2, '0')}T170000Z`,
      `DTEND:202607${String(i + 1).padStart(2, '0')}T190000Z`,
      `SUMMARY:Match ${i + 1}`,
      'END:VEVENT',
    ]).flat(),
    'END:VCALENDAR',
    '',
  ].join('\r\n')

describe('change notifications in the embedded process', () => {
  const harness = useEmbeddedServer()

  async function signedIn(name: string): Promise<PlansyncClient> {
    const client = harness.client(name)
    await client.register({ username: name, password: `a long password for ${name}` })
    return client
  }
  const idOf = (client: PlansyncClient) => client.user?.id as string

  it('tells bob of his invitation, a moved event, his task and his seat, once, also after a restart', {
    timeout: 120_000,
  }, async () => {
    const ann = await signedIn('change-ann')
    const bob = await signedIn('change-bob')
    const { calendar } = await ann.api.createCalendar({ name: 'Family', timeZone: 'UTC' })
    const family = await ann.openCalendar(calendar.id)
    const picnicId = family.createEvent({
      title: 'Picnic',
      start: '2026-06-06T12:00',
      end: '2026-06-06T15:00',
      timeZone: 'UTC',
    })
    await ann.api.createEventRecord(calendar.id, picnicId)
    const inbox = await bob.openInbox()

    // Invited by username: the entry carries the link, which bob follows.
    const { link } = await ann.api.invite(calendar.id, { username: 'change-bob', role: 'editor' })
    await waitFor(() => has(inbox, 'invited'), 'the invitation in bob’s inbox', 15_000)
    const invited = inbox.entries().find((entry) => entry.kind === 'invited')
    expect(invited).toMatchObject({ title: 'change-ann invited you to Family', url: link })
    await bob.api.acceptInvite((invited?.url ?? '').split('/invite/')[1] as string)

    // ann moves the picnic: bob, now a member, is told.
    family.moveEvent(picnicId, '2026-06-07T12:00', '2026-06-07T15:00')
    await waitFor(() => has(inbox, 'event-moved'), 'the move in bob’s inbox', 15_000)
    expect(inbox.entries().find((entry) => entry.kind === 'event-moved')).toMatchObject({
      title: 'Moved: Picnic',
      body: 'Picnic (Family) is now Sun, 7 Jun 2026, 12:00 (UTC).',
    })

    // ann assigns bob a task; a capacity, bob says yes, the server confirms his seat.
    const planning = await ann.openEvent(picnicId)
    planning.addTask({ title: 'Bring chairs', assignee: idOf(bob) })
    planning.setCapacity(4)
    await waitFor(() => has(inbox, 'task-assigned'), 'the task in bob’s inbox', 15_000)
    const bobsEvent = await bob.openEvent(picnicId)
    await waitFor(() => bobsEvent.capacity() === 4, 'the capacity at bob’s')
    bobsEvent.rsvp('yes')
    await waitFor(() => has(inbox, 'seat-confirmed'), 'the seat in bob’s inbox', 15_000)
    expect(bobsEvent.participants()[0]?.seat).toBe('confirmed')

    // An import of many events is one summary, not one entry per event.
    family.importIcs(ics(12))
    await waitFor(() => has(inbox, 'events-changed'), 'the import summary', 15_000)
    expect(inbox.entries().find((entry) => entry.kind === 'events-changed')?.title).toBe(
      'Family: 12 events changed',
    )

    // Each once, and nothing else for bob (the calendar's event came before he joined).
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    const before = inbox.entries()
    expect(before.map((entry) => entry.kind).sort()).toEqual([
      'event-moved',
      'events-changed',
      'invited',
      'seat-confirmed',
      'task-assigned',
    ])

    // After a restart (every doc compared again, invite notices taken again), nothing new.
    for (const handle of [inbox, family, planning, bobsEvent]) await handle.close()
    await harness.restart()
    const again = harness.client('change-bob', bob.session)
    const reopened = await again.openInbox()
    await waitFor(() => reopened.status.state === 'synced', 'the inbox synced again', 10_000)
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    expect(reopened.entries()).toEqual(before)
  })

  it('does not tell people of their own changes, only the other member', {
    timeout: 120_000,
  }, async () => {
    const ann = await signedIn('author-ann')
    const bob = await signedIn('author-bob')
    const { calendar } = await ann.api.createCalendar({ name: 'Family', timeZone: 'UTC' })
    const { link } = await ann.api.invite(calendar.id, { username: 'author-bob', role: 'editor' })
    await bob.api.acceptInvite(link.split('/invite/')[1] as string)
    const annInbox = await ann.openInbox()
    const bobInbox = await bob.openInbox()
    // The invitation may or may not be announced (bob accepts at once): not counted here.
    const titles = (inbox: InboxHandle) =>
      inbox
        .entries()
        .filter((entry) => entry.kind !== 'invited')
        .map((entry) => entry.title)
    const hasTitle = (inbox: InboxHandle, title: string) => titles(inbox).includes(title)

    // ann creates, moves and cancels: bob is told each time, ann never.
    const annFamily = await ann.openCalendar(calendar.id)
    const callId = annFamily.createEvent({
      title: 'Call grandma',
      start: '2026-06-06T12:00',
      end: '2026-06-06T12:30',
      timeZone: 'UTC',
    })
    await ann.api.createEventRecord(calendar.id, callId)
    await waitFor(
      () => hasTitle(bobInbox, 'New in Family: Call grandma'),
      'bob told of the new event',
      15_000,
    )
    annFamily.moveEvent(callId, '2026-06-07T12:00', '2026-06-07T12:30')
    await waitFor(() => hasTitle(bobInbox, 'Moved: Call grandma'), 'bob told of the move', 15_000)

    // ann assigns one task to herself and one to bob; bob assigns one to ann.
    const annPlanning = await ann.openEvent(callId)
    annPlanning.addTask({ title: 'Find the number', assignee: idOf(ann) })
    annPlanning.addTask({ title: 'Buy a card', assignee: idOf(bob) })
    await waitFor(() => hasTitle(bobInbox, 'Task for you: Buy a card'), 'bob’s task', 15_000)
    const bobPlanning = await bob.openEvent(callId)
    await waitFor(() => bobPlanning.tasks().length === 2, 'the tasks at bob’s')
    bobPlanning.addTask({ title: 'Post the card', assignee: idOf(ann) })
    await waitFor(
      () => hasTitle(annInbox, 'Task for you: Post the card'),
      'ann’s task from bob',
      15_000,
    )

    annFamily.updateEvent(callId, { status: 'cancelled' })
    await waitFor(
      () => hasTitle(bobInbox, 'Cancelled: Call grandma'),
      'bob told of the cancellation',
      15_000,
    )

    // bob creates and deletes an event: ann is told, bob is not.
    const bobFamily = await bob.openCalendar(calendar.id)
    const dentistId = bobFamily.createEvent({
      title: 'Dentist',
      start: '2026-06-08T09:00',
      end: '2026-06-08T10:00',
      timeZone: 'UTC',
    })
    await waitFor(
      () => hasTitle(annInbox, 'New in Family: Dentist'),
      'ann told of bob’s event',
      15_000,
    )
    bobFamily.deleteEvent(dentistId)
    await waitFor(() => hasTitle(annInbox, 'Deleted: Dentist'), 'ann told of the deletion', 15_000)

    // Some time for anything late, then exactly these, and none of anyone's own.
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    expect(titles(annInbox).sort()).toEqual([
      'Deleted: Dentist',
      'New in Family: Dentist',
      'Task for you: Post the card',
    ])
    expect(titles(bobInbox).sort()).toEqual([
      'Cancelled: Call grandma',
      'Moved: Call grandma',
      'New in Family: Call grandma',
      'Task for you: Buy a card',
    ])
    for (const handle of [annInbox, bobInbox, annFamily, bobFamily, annPlanning, bobPlanning]) {
      await handle.close()
    }
  })
})
