// Two real sync-server processes over one Postgres and one Redis: a doc
// edited through both converges (updates and awareness), seats are decided
// by one allocator at a time and never overbooked with RSVPs arriving through
// both, and when the allocating instance is frozen (SIGSTOP) past its lease,
// the other takes over; the frozen one, woken, cannot overwrite its work.
// The full fault (behind nginx, with the marker checker and metrics) is in
// cluster-faults.test.ts.
import { randomBytes } from 'node:crypto'
import { readParticipants, setCapacity, setRsvp } from '@plansync/schema'
import { createPostgresStore } from '@plansync/sync-server'
import { Redis } from 'ioredis'
import postgres from 'postgres'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { connectProvider, waitSynced } from './utils/providers.ts'
import {
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

const LEASE_TTL_MS = 3_000

const confirmedSeats = (doc: Y.Doc) =>
  readParticipants(doc)
    .filter((p) => p.seat === 'confirmed')
    .reduce((sum, p) => sum + 1 + p.guests, 0)
const undecided = (doc: Y.Doc) =>
  readParticipants(doc).filter((p) => p.rsvp === 'yes' && p.seat === 'pending').length

describe('two sync-server instances over Postgres and Redis', () => {
  const serverUrl = inject('postgresUrl')
  const redisUrl = inject('redisUrl')
  let admin: postgres.Sql
  let databaseUrl: string
  let database: string
  const processes: SyncProcess[] = []
  const providers: WebsocketProvider[] = []

  beforeAll(async () => {
    admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  })
  afterAll(async () => {
    await admin.end()
  })
  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    for (const server of processes.splice(0)) {
      server.child.kill('SIGCONT')
      await stopSyncProcess(server)
      await removeDataDir(server)
    }
    await admin`drop database if exists ${admin(database)} with (force)`
  })

  async function startCluster(count: number): Promise<SyncProcess[]> {
    database = `c_${randomBytes(6).toString('hex')}`
    await admin`create database ${admin(database)}`
    const url = new URL(serverUrl)
    url.pathname = `/${database}`
    databaseUrl = url.toString()
    // The schema first, so instances do not race to create it.
    const store = createPostgresStore({ url: databaseUrl, max: 1 })
    await store.migrate()
    await store.close()
    const started = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        startSyncProcess({
          env: {
            STORAGE: 'postgres',
            DATABASE_URL: databaseUrl,
            REDIS_URL: redisUrl,
            SYNC_INSTANCE_ID: `s${i + 1}-${database}`,
            SYNC_LEASE_TTL_MS: String(LEASE_TTL_MS),
          },
        }),
      ),
    )
    processes.push(...started)
    return started
  }

  function join(server: SyncProcess, docName: string, user: string) {
    const client = connectProvider(server.syncUrl, docName, { params: { user } })
    providers.push(client.provider)
    return client
  }

  async function storedDoc(docName: string): Promise<Y.Doc> {
    const store = createPostgresStore({ url: databaseUrl, max: 1 })
    try {
      const stored = await store.load(docName)
      const doc = new Y.Doc()
      for (const part of [stored.snapshot, ...stored.updates]) if (part) Y.applyUpdate(doc, part)
      return doc
    } finally {
      await store.close()
    }
  }

  it('converges a doc edited through both instances, with presence across them', async () => {
    const [s1, s2] = (await startCluster(2)) as [SyncProcess, SyncProcess]
    const docName = `calendar:${database}`
    const ann = join(s1, docName, 'ann')
    const bob = join(s2, docName, 'bob')
    await Promise.all([waitSynced(ann.provider), waitSynced(bob.provider)])

    ann.doc.getText('notes').insert(0, 'from ann ')
    bob.doc.getMap('events').set('e1', 'from bob')
    for (let i = 0; i < 50; i++) bob.doc.getArray<number>('n').push([i])
    const same = () =>
      ann.doc.getText('notes').toString() === bob.doc.getText('notes').toString() &&
      ann.doc.getMap('events').get('e1') === 'from bob' &&
      ann.doc.getArray('n').length === 50
    await waitFor(same, 'both replicas to converge across instances', 5_000)

    ann.provider.awareness.setLocalStateField('cursor', { at: 3 })
    await waitFor(
      () =>
        [...bob.provider.awareness.getStates().values()].some(
          (state) => (state.cursor as { at?: number } | undefined)?.at === 3,
        ),
      "ann's cursor at bob, relayed between instances",
      5_000,
    )

    // A third client joining late through either instance loads everything from storage.
    const cat = join(s2, docName, 'cat')
    await waitSynced(cat.provider)
    expect(cat.doc.getText('notes').toString()).toBe('from ann ')
    expect(cat.doc.getArray('n').length).toBe(50)
    const stored = await storedDoc(docName)
    expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(ann.doc))
    expect(stored.store.pendingStructs).toBeNull()

    // The live set in Redis, with the owner of a doc by rendezvous hashing;
    // an instance that stops leaves it at once.
    type ClusterView = { members: Array<{ id: string }>; owner: { id: string } | null }
    const view = async (server: SyncProcess) =>
      (await (await fetch(`${server.url}/cluster?doc=${docName}`)).json()) as ClusterView
    const both = await view(s1)
    expect(both.members.map((m) => m.id)).toEqual([`s1-${database}`, `s2-${database}`])
    expect((await view(s2)).owner).toEqual(both.owner)
    await stopSyncProcess(s2)
    const alone = await view(s1)
    expect(alone.members.map((m) => m.id)).toEqual([`s1-${database}`])
    expect(alone.owner?.id).toBe(`s1-${database}`)
  })

  it('never overbooks with RSVPs through both instances, and moves allocation off a frozen one', async () => {
    const [s1, s2] = (await startCluster(2)) as [SyncProcess, SyncProcess]
    const docName = `event:${database}`
    const host = join(s1, docName, 'host')
    await waitSynced(host.provider)
    setCapacity(host.doc, 3)
    const guests = ['a1', 'a2', 'a3', 'b1', 'b2', 'b3'].map((user, i) => ({
      user,
      ...join(i < 3 ? s1 : s2, docName, user),
    }))
    await Promise.all(guests.map((guest) => waitSynced(guest.provider)))
    for (const guest of guests) setRsvp(guest.doc, guest.user, { rsvp: 'yes' }, Date.now())

    const everyone = [host, ...guests]
    await waitFor(
      () =>
        everyone.every((client) => undecided(client.doc) === 0 && confirmedSeats(client.doc) === 3),
      'every replica to show 3 confirmed and the rest waitlisted',
      10_000,
    )
    // One allocator decided: every decision in the doc comes from one Yjs client.
    const allocation = host.doc.getMap('allocation')
    const deciders = new Set([...allocation._map.values()].map((item) => item.id.client))
    const leaseLogs = [s1, s2].flatMap((server) =>
      server.logs.filter((entry) => String(entry.msg).includes('lease')),
    )
    expect(deciders.size, JSON.stringify(leaseLogs)).toBe(1)

    // Freeze whichever instance holds the doc's lease, past the lease.
    const redis = new Redis(redisUrl)
    const leaseKey = `plansync:lease:doc:${docName}`
    const holder = (await redis.get(leaseKey)) ?? ''
    expect(holder).toMatch(/^s[12]-/)
    const frozen = holder.startsWith('s1-') ? s1 : s2
    const awake = frozen === s1 ? s2 : s1
    frozen.child.kill('SIGSTOP')

    // Two more answers through the instance still awake: it takes over once the lease ran out.
    const late = ['c1', 'c2'].map((user) => ({ user, ...join(awake, docName, user) }))
    await Promise.all(late.map((guest) => waitSynced(guest.provider)))
    for (const guest of late) setRsvp(guest.doc, guest.user, { rsvp: 'yes' }, Date.now())
    // A confirmed guest cancels through the awake instance (a new connection
    // if theirs is on the frozen one): the first on the waitlist moves up.
    const confirmed = guests.find(
      (guest) =>
        readParticipants(host.doc).find((p) => p.userId === guest.user)?.seat === 'confirmed',
    )
    expect(confirmed, 'a confirmed guest').toBeDefined()
    const leavingUser = confirmed?.user ?? ''
    const leaving = { user: leavingUser, ...join(awake, docName, leavingUser) }
    await waitSynced(leaving.provider)
    setRsvp(leaving.doc, leaving.user, { rsvp: 'no' }, Date.now())
    const watcher = late[0] as (typeof late)[number]
    await waitFor(
      () =>
        undecided(watcher.doc) === 0 &&
        confirmedSeats(watcher.doc) === 3 &&
        readParticipants(watcher.doc).find((p) => p.userId === leavingUser)?.seat !== 'confirmed',
      'the awake instance to decide the late answers and the cancellation',
      10 * LEASE_TTL_MS,
    )

    const taker = (await redis.get(leaseKey)) ?? ''
    redis.disconnect()
    const [takerId, takerToken] = taker.split(':')
    const [holderId, holderToken] = holder.split(':')
    expect(takerId).toBe(holderId?.replace(/^s[12]-/, awake === s1 ? 's1-' : 's2-'))
    expect(Number(takerToken)).toBeGreaterThan(Number(holderToken))

    // Wake the frozen one: it must not overwrite anything, and all ends equal.
    frozen.child.kill('SIGCONT')
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_TTL_MS))
    const replicas = [...everyone, ...late]
    await waitFor(
      () => {
        const states = replicas.map((client) => Y.encodeStateVector(client.doc).join())
        return new Set(states).size === 1
      },
      'every replica to converge after the wake-up',
      10_000,
    )
    for (const client of replicas) {
      expect(confirmedSeats(client.doc)).toBe(3)
      expect(undecided(client.doc)).toBe(0)
    }
    const stored = await storedDoc(docName)
    expect(confirmedSeats(stored)).toBe(3)
    expect(stored.store.pendingStructs).toBeNull()
  })
})
