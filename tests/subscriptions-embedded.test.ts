// A calendar subscribed to an ICS URL (served by the test on loopback), in
// the embedded process: its events appear in the members' open calendars
// and are announced in their inboxes, changes follow, and a broken file is
// reported to members while nothing changes.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createClient, createMemoryStore, type PlansyncClient } from '@plansync/client-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  embeddedMain,
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

const holiday = (uid: string, title: string, day: string) =>
  `BEGIN:VEVENT\r\nUID:${uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:${day}\r\nSUMMARY:${title}\r\nEND:VEVENT\r\n`
const calendarOf = (...events: string[]) =>
  `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n${events.join('')}END:VCALENDAR\r\n`

describe('calendar subscriptions in the embedded process', () => {
  let file = calendarOf(holiday('h1', 'Easter Monday', '20260406'))
  let http: Server
  let url = ''
  let server: SyncProcess
  const clients: PlansyncClient[] = []

  beforeAll(async () => {
    http = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/calendar' })
      response.end(file)
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/holidays.ics`
    server = await startSyncProcess({
      main: embeddedMain,
      env: { NOTIFIER_SUBSCRIPTION_SECONDS: '2', NOTIFIER_FETCH_PRIVATE_URLS: 'true' },
    })
  })
  afterAll(async () => {
    for (const client of clients) await client.close()
    if (server) {
      await stopSyncProcess(server)
      await removeDataDir(server)
    }
    await new Promise((resolve) => http.close(resolve))
  })

  it('brings the feed into the calendar, follows its changes, and reports a broken file', async () => {
    const ann = createClient({ url: server.url, store: createMemoryStore() })
    clients.push(ann)
    await ann.register({ username: 'subs-ann', password: 'a long password for ann' })
    const { calendar } = await ann.api.createCalendar({ name: 'Family' })
    const family = await ann.openCalendar(calendar.id)
    const { subscription } = await ann.api.subscribe(calendar.id, url)
    const titles = () =>
      family
        .events()
        .map((event) => event.title)
        .sort()
    await waitFor(() => titles().includes('Easter Monday'), 'the subscribed event', 15_000)
    expect(family.events().find((e) => e.title === 'Easter Monday')).toMatchObject({
      allDay: true,
      start: '2026-04-06',
      reminders: [],
    })

    file = calendarOf(
      holiday('h1', 'Easter Monday', '20260406'),
      holiday('h2', 'Labour Day', '20260501'),
    )
    await waitFor(() => titles().length === 2, 'the added event', 15_000)
    // The notifier announces what its own imports brought, like anyone's edits.
    const inbox = await ann.openInbox()
    const announced = () =>
      inbox
        .entries()
        .filter((entry) => entry.kind === 'event-created')
        .map((entry) => entry.title)
        .sort()
    await waitFor(() => announced().length === 2, 'the new events announced', 15_000)
    expect(announced()).toEqual(['New in Family: Easter Monday', 'New in Family: Labour Day'])

    file = 'not a calendar at all'
    await waitFor(
      async () =>
        (await ann.api.listSubscriptions(calendar.id)).subscriptions[0]?.lastError !== null,
      'the error reported',
      15_000,
    )
    const [listed] = (await ann.api.listSubscriptions(calendar.id)).subscriptions
    expect(listed?.lastError).toMatch(/not an iCalendar file/)
    expect(titles()).toEqual(['Easter Monday', 'Labour Day'])
    await ann.api.unsubscribe(calendar.id, subscription.id)
    expect((await ann.api.listSubscriptions(calendar.id)).subscriptions).toEqual([])
  })
})
