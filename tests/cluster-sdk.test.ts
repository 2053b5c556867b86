// The SDK through the whole cluster topology: nginx in front of the auth API
// and three sync-server processes verifying its sync tokens. Two users share
// a calendar through the proxy; the instance serving it is killed (kill -9)
// and the SDK reconnects through nginx to another one, losing nothing.
import { createClient, createMemoryStore, type PlansyncClient } from '@plansync/client-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type TestCluster } from './utils/cluster.ts'
import { readMetric } from './utils/markers.ts'
import { waitFor } from './utils/wait.ts'

describe('the SDK through nginx, the auth API and three sync servers', () => {
  let cluster: TestCluster
  const clients: PlansyncClient[] = []

  beforeAll(async () => {
    cluster = await startCluster({ withAuth: true })
  }, 120_000)
  afterAll(async () => {
    for (const client of clients) await client.close()
    await cluster?.stop()
  })

  function newClient(): PlansyncClient {
    const client = createClient({
      url: cluster.nginx.url,
      store: createMemoryStore(),
      backoff: { initialMs: 50, maxMs: 500 },
    })
    clients.push(client)
    return client
  }

  it('shares a calendar through the proxy and survives the death of its instance', async () => {
    const ann = newClient()
    const bob = newClient()
    await ann.register({ username: 'proxy-ann', password: 'a long password for ann' })
    await bob.register({ username: 'proxy-bob', password: 'a long password for bob' })
    const { calendar } = await ann.api.createCalendar({ name: 'Weekend' })
    const { link } = await ann.api.invite(calendar.id, { username: 'proxy-bob', role: 'editor' })
    await bob.api.acceptInvite(link.split('/invite/')[1] as string)

    const annDoc = await ann.openDoc(calendar.doc)
    const bobDoc = await bob.openDoc(calendar.doc)
    await waitFor(
      () => annDoc.status.state === 'synced' && bobDoc.status.state === 'synced',
      'both synced through nginx',
      10_000,
    )
    annDoc.doc.getMap('meta').set('note', 'before the crash')
    await waitFor(() => annDoc.status.pending === 0, 'ann confirmed', 10_000)
    await waitFor(
      () => bobDoc.doc.getMap('meta').get('note') === 'before the crash',
      'ann → bob through the proxy',
      10_000,
    )

    // The instance holding the calendar (both clients hash to it) dies.
    const held = await Promise.all(
      cluster.instances.map((instance) => readMetric(instance.url, 'sync_loaded_docs')),
    )
    const victim = held.findIndex((n) => n > 0)
    expect(victim).toBeGreaterThanOrEqual(0)
    const dying = cluster.instances[victim] as (typeof cluster.instances)[number]
    dying.child.kill('SIGKILL')
    await dying.exited

    // Edits on both sides while it is gone; the SDK reconnects through nginx to another instance.
    bobDoc.doc.getMap('meta').set('from-bob', 'after the crash')
    annDoc.doc.getMap('meta').set('from-ann', 'after the crash')
    await waitFor(
      () =>
        annDoc.doc.getMap('meta').get('from-bob') === 'after the crash' &&
        bobDoc.doc.getMap('meta').get('from-ann') === 'after the crash',
      'both edits to cross through the surviving instances',
      20_000,
    )
    await waitFor(
      () => annDoc.status.pending === 0 && bobDoc.status.pending === 0,
      'both confirmed',
      10_000,
    )
    const stored = await cluster.storedDoc(calendar.doc)
    expect(stored.getMap('meta').toJSON()).toMatchObject({
      note: 'before the crash',
      'from-bob': 'after the crash',
      'from-ann': 'after the crash',
    })
  })
})
