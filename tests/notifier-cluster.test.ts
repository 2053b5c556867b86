// Two notifier replicas beside the cluster (nginx, auth API, three sync
// servers, Postgres, Redis): a reminder reaches the user's inbox once, on
// time, although both replicas plan it; killing one (kill -9) before it is
// due changes nothing, and restarting it sends nothing again. The calendar's
// iCal feed is served through nginx by a notifier.
import { createClient, createMemoryStore, type PlansyncClient } from '@plansync/client-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { INTERNAL_SECRET, startCluster, type TestCluster } from './utils/cluster.ts'
import {
  notifierMain,
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

const MINUTE = 60_000
const wallAt = (ms: number) => new Date(ms).toISOString().slice(0, 16)

describe('notifier replicas in the cluster', () => {
  let cluster: TestCluster
  const notifiers: SyncProcess[] = []
  const clients: PlansyncClient[] = []

  // n1 listens where nginx sends /feeds/; n2 anywhere.
  const startNotifier = (id: string) =>
    startSyncProcess({
      main: notifierMain,
      env: {
        NOTIFIER_PORT: id === 'n1' ? String(cluster.notifierPort) : '0',
        NOTIFIER_INSTANCE_ID: id,
        SYNC_DATABASE_URL: cluster.postgres.url,
        REDIS_URL: cluster.redis.url,
        AUTH_URL: (cluster.auth as SyncProcess).url,
        AUTH_INTERNAL_SECRET: INTERNAL_SECRET,
      },
    })

  beforeAll(async () => {
    cluster = await startCluster({ withAuth: true })
    notifiers.push(await startNotifier('n1'), await startNotifier('n2'))
  }, 120_000)
  afterAll(async () => {
    for (const client of clients) await client.close()
    for (const notifier of notifiers) {
      await stopSyncProcess(notifier, 'SIGKILL')
      await removeDataDir(notifier)
    }
    await cluster?.stop()
  })

  it('delivers once with two replicas, one killed before the reminder is due and restarted after', {
    timeout: 150_000,
  }, async () => {
    const ann = createClient({
      url: cluster.nginx.url,
      store: createMemoryStore(),
      backoff: { initialMs: 50, maxMs: 500 },
    })
    clients.push(ann)
    await ann.register({ username: 'notify-ann', password: 'a long password for ann' })
    const bob = createClient({
      url: cluster.nginx.url,
      store: createMemoryStore(),
      backoff: { initialMs: 50, maxMs: 500 },
    })
    clients.push(bob)
    await bob.register({ username: 'notify-bob', password: 'a long password for bob' })
    const { calendar } = await ann.api.createCalendar({ name: 'Family', timeZone: 'UTC' })
    const { link } = await ann.api.invite(calendar.id, { username: 'notify-bob', role: 'editor' })
    await bob.api.acceptInvite(link.split('/invite/')[1] as string)
    const family = await ann.openCalendar(calendar.id)
    const inbox = await ann.openInbox()
    const bobInbox = await bob.openInbox()
    const start = Math.ceil((Date.now() + 63_000) / MINUTE) * MINUTE
    const dueAt = start - MINUTE
    family.createEvent({
      title: 'Choir',
      start: wallAt(start),
      end: wallAt(start + 60 * MINUTE),
      timeZone: 'UTC',
      reminders: [1],
    })
    await waitFor(() => family.status.pending === 0, 'the event saved', 10_000)
    // Both replicas plan it; then one dies before it is due.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    const killed = notifiers[0] as SyncProcess
    await stopSyncProcess(killed, 'SIGKILL')

    // The inbox also gets change notifications (the new event): reminders are the ones here.
    const reminders = () => inbox.entries().filter((entry) => entry.kind === 'reminder')
    await waitFor(() => reminders().length > 0, 'the reminder', dueAt - Date.now() + 20_000)
    expect(Date.now()).toBeGreaterThanOrEqual(dueAt)
    const restarted = await startNotifier('n1')
    notifiers[0] = restarted
    await new Promise((resolve) => setTimeout(resolve, 5_000))
    expect(reminders().map((entry) => entry.title)).toEqual([expect.stringMatching(/^Choir: /)])
    // Both replicas compared the calendar; one recorded the change and told bob
    // once (ann made it: she is not told).
    const created = (entries: ReturnType<typeof inbox.entries>) =>
      entries.filter((entry) => entry.kind === 'event-created').map((entry) => entry.title)
    expect(created(bobInbox.entries())).toEqual(['New in Family: Choir'])
    expect(created(inbox.entries())).toEqual([])
    // The calendar as an iCal feed, through nginx to the notifier.
    const feed = await ann.api.createFeed({ calendarId: calendar.id })
    expect(feed.url.startsWith(cluster.nginx.url)).toBe(true)
    const ics = await fetch(feed.url)
    expect(ics.status).toBe(200)
    expect(ics.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
    expect(await ics.text()).toContain('SUMMARY:Choir')

    // Both replicas are up and report their metrics.
    for (const notifier of notifiers) {
      const metrics = await (await fetch(`${notifier.url}/metrics`)).text()
      expect(metrics).toContain('notifier_sent_total')
      expect((await fetch(`${notifier.url}/readyz`)).status).toBe(200)
    }
  })
})
