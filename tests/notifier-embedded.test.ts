// The notifier inside `npm start`: a reminder set on an event arrives once
// in the user's inbox at its time, follows the event when it moves, never
// comes for a cancelled event, and is not sent again after a restart.
import type { PlansyncClient } from '@plansync/client-sdk'
import { describe, expect, it } from 'vitest'
import { useEmbeddedServer } from './utils/sdk-harness.ts'
import { waitFor } from './utils/wait.ts'

/** `YYYY-MM-DDTHH:mm` in UTC: events are placed to the minute. */
const wallAt = (ms: number) => new Date(ms).toISOString().slice(0, 16)
const MINUTE = 60_000

describe('reminders in the embedded process', () => {
  const harness = useEmbeddedServer()

  async function signedIn(name: string): Promise<PlansyncClient> {
    const client = harness.client(name)
    await client.register({ username: name, password: `a long password for ${name}` })
    return client
  }

  it('delivers a reminder once, on time, moved with its event, and not again after a restart', {
    timeout: 120_000,
  }, async () => {
    const ann = await signedIn('remind-ann')
    const { calendar } = await ann.api.createCalendar({ name: 'Family', timeZone: 'UTC' })
    const family = await ann.openCalendar(calendar.id)
    const inbox = await ann.openInbox()

    // Events start on a minute; the reminder one minute before is due 3 to 63 s from now.
    const start = Math.ceil((Date.now() + 63_000) / MINUTE) * MINUTE
    const dueAt = start - MINUTE
    const event = (title: string, at: number) => ({
      title,
      start: wallAt(at),
      end: wallAt(at + 30 * MINUTE),
      timeZone: 'UTC',
      reminders: [1],
    })
    family.createEvent(event('Picnic', start))
    // Another one moved to tomorrow before its reminder, and a cancelled one.
    const moved = family.createEvent(event('Dentist', start))
    const cancelled = family.createEvent(event('Cinema', start))
    await new Promise((resolve) => setTimeout(resolve, 500))
    family.moveEvent(moved, wallAt(start + 1440 * MINUTE), wallAt(start + 1470 * MINUTE))
    family.updateEvent(cancelled, { status: 'cancelled' })

    // The inbox also gets change notifications (new, moved, cancelled): reminders are the ones here.
    const reminders = () => inbox.entries().filter((entry) => entry.kind === 'reminder')
    await waitFor(
      () => reminders().length > 0,
      'the reminder in the inbox',
      dueAt - Date.now() + 15_000,
    )
    // Not early (the dispatcher polls every second), and not much later.
    const arrived = Date.now()
    expect(arrived).toBeGreaterThanOrEqual(dueAt)
    expect(arrived - dueAt).toBeLessThan(10_000)
    await new Promise((resolve) => setTimeout(resolve, 4_000))
    const titles = reminders().map((entry) => entry.title)
    expect(titles).toHaveLength(1)
    expect(titles[0]).toMatch(/^Picnic: /)
    expect(reminders()[0]).toMatchObject({ kind: 'reminder', readAt: null })
    const before = inbox.entries()

    // After a restart the schedule knows it was sent.
    await inbox.close()
    await family.close()
    await harness.restart()
    const again = harness.client('remind-ann', ann.session)
    const reopened = await again.openInbox()
    await waitFor(() => reopened.status.state === 'synced', 'the inbox synced again', 10_000)
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    expect(reopened.entries()).toEqual(before)
  })
})
