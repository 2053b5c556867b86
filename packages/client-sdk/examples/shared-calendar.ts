// A shared family calendar with the plansync SDK in Node: the walk-through of
// the SDK README as one script. Against `npm start` (embedded, port 8080):
//
//   node --conditions=source packages/client-sdk/examples/shared-calendar.ts http://127.0.0.1:8080
//
// tests/sdk-example.test.ts runs it against a real server, so it stays true.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@plansync/client-sdk'
import { createFileStore } from '@plansync/client-sdk/node'

const url = process.argv[2] ?? 'http://127.0.0.1:8080'
const dir = await mkdtemp(join(tmpdir(), 'plansync-example-'))
const run = Date.now().toString(36) // fresh usernames on every run

/** Waits for something another client (or the server) does. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

// 1. Two people, each with a client and a local store (IndexedDB in a browser).
const ann = createClient({ url, store: createFileStore({ dir: join(dir, 'ann') }) })
const bob = createClient({ url, store: createFileStore({ dir: join(dir, 'bob') }) })
await ann.register({ username: `ann-${run}`, password: 'correct horse battery staple' })
const bobUser = await bob.register({ username: `bob-${run}`, password: 'another long passphrase' })

// 2. Ann creates a calendar and invites Bob as an editor; Bob accepts the link.
const { calendar } = await ann.api.createCalendar({ name: 'Family', timeZone: 'Europe/Berlin' })
const { link } = await ann.api.invite(calendar.id, { username: `bob-${run}`, role: 'editor' })
await bob.api.acceptInvite(link.split('/invite/')[1] as string)

// 3. Both open it. Reads and writes work on the local replica at once;
//    syncing happens in the background.
const annCalendar = await ann.openCalendar(calendar.id)
const bobCalendar = await bob.openCalendar(calendar.id)
const football = annCalendar.createEvent({
  title: 'Football',
  start: '2026-03-21T10:00',
  end: '2026-03-21T11:30',
  timeZone: 'Europe/Berlin',
  rrule: 'FREQ=WEEKLY;BYDAY=SA',
  reminders: [60],
})

// 4. Bob sees the series, expanded into occurrences (Berlin moves to summer
//    time on 29 March: the wall time stays 10:00, the UTC instant moves).
await until(() => bobCalendar.events().some((e) => e.id === football), 'the event at Bob')
for (const o of bobCalendar.occurrences(new Date('2026-03-20'), new Date('2026-04-06'))) {
  console.log(`occurrence ${o.start} ${o.timeZone} = ${new Date(o.startMs).toISOString()}`)
}

// 5. Bob moves one occurrence ("this"); Ann renames the whole series ("all").
bobCalendar.moveEvent(football, '2026-03-28T11:00', '2026-03-28T12:30', {
  recurrenceId: '2026-03-28T10:00',
  scope: 'this',
})
annCalendar.updateEvent(football, { title: 'Football practice' })
const moved = () =>
  annCalendar
    .occurrences(new Date('2026-03-28'), new Date('2026-03-29'))
    .find((o) => o.title === 'Football practice' && o.start === '2026-03-28T11:00')
await until(() => moved() !== undefined, 'both edits merged at Ann')
console.log(`moved: ${moved()?.title} at ${moved()?.start}`)

// 6. Offline: Bob's edit waits in his local store and merges on reconnect.
bobCalendar.connection.disconnect()
bobCalendar.updateEvent(football, { location: 'Riverside park' })
console.log(`bob offline: ${bobCalendar.status.state}, ${bobCalendar.status.pending} pending`)
bobCalendar.connection.connect()
await until(
  () => annCalendar.events().find((e) => e.id === football)?.location === 'Riverside park',
  "Bob's offline edit at Ann",
)
await until(() => bobCalendar.status.pending === 0, 'the server to confirm it')
console.log(`bob back: ${bobCalendar.status.state}, 0 pending`)

// 7. The planning space of the event: register it once, then tasks, seats
//    against a capacity (decided by the server, in arrival order), comments.
await ann.api.createEventRecord(calendar.id, football)
const annEvent = await ann.openEvent(football)
const bobEvent = await bob.openEvent(football)
annEvent.setCapacity(1)
annEvent.addTask({ title: 'Bring the ball', assignee: bobUser.id, due: '2026-03-21' })
annEvent.rsvp('yes')
const seatOf = (userId: string) => bobEvent.participants().find((p) => p.userId === userId)?.seat
await until(() => seatOf(annEvent.participants()[0]?.userId ?? '') === 'confirmed', 'Ann seated')
bobEvent.rsvp('yes')
await until(() => seatOf(bobUser.id) === 'waitlisted', 'Bob on the waitlist')
bobEvent.comment('I can bring the ball if a seat frees up')
console.log(
  `seats: ann ${seatOf(annEvent.participants()[0]?.userId ?? '')}, bob ${seatOf(bobUser.id)}`,
)
console.log(`bob's tasks: ${bobEvent.tasks().map((t) => t.title)}`)

// 8. Bob's own reminder: 15 minutes before, instead of the event's hour; Ann's stays.
const bobPrefs = await bob.openPrefs()
bobPrefs.setReminders(football, [15])
console.log(`bob's reminders: ${bobPrefs.reminders(football)}`)

// 9. Before quitting: nothing unsaved. Logging out clears the local store.
await until(() => !ann.hasUnsavedChanges() && !bob.hasUnsavedChanges(), 'everything saved')
await ann.logout()
await bob.logout()
await rm(dir, { recursive: true, force: true })
console.log('done')
