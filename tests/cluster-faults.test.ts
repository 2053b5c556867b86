// Fault tests of the cluster topology: real Postgres, Redis (AOF) and nginx,
// three real sync-server processes. Clients write unique markers and record
// what the server confirmed (acks) and what it relayed to them; the checker
// (utils/cluster-check.ts) requires every such marker in every replica and
// in storage, the replicas equal, and no pending structs. The reconnect
// storm has its own suite (cluster-storm.test.ts).
import { CloseCode, SyncMessageType } from '@plansync/protocol'
import { readParticipants, setCapacity, setRsvp } from '@plansync/schema'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { startCluster, type TestCluster } from './utils/cluster.ts'
import { checkDoc } from './utils/cluster-check.ts'
import {
  confirmedMarkers,
  connectWriter,
  encodeSync,
  type MarkerWriter,
  missingFrom,
  readMetric,
  settleWriters,
  startLoad,
} from './utils/markers.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import { connectRaw } from './utils/raw-client.ts'
import type { SyncProcess } from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Small, so a storage outage fills it and extra writers are turned away. */
const MAX_PENDING_BYTES = 256 * 1024
/** Low, so docs under load compact every second or so and lease moves show. */
const COMPACT_ROWS = 40

const confirmedSeats = (doc: Y.Doc) =>
  readParticipants(doc)
    .filter((p) => p.seat === 'confirmed')
    .reduce((sum, p) => sum + 1 + p.guests, 0)
const undecided = (doc: Y.Doc) =>
  readParticipants(doc).filter((p) => p.rsvp === 'yes' && p.seat === 'pending').length
const seatOf = (doc: Y.Doc, user: string) =>
  readParticipants(doc).find((p) => p.userId === user)?.seat

describe('the cluster under faults', () => {
  let cluster: TestCluster
  /** For looking at leases and Redis itself. */
  let redis: Redis
  const providers: WebsocketProvider[] = []
  /** Closed after each test, passed or failed, so no load runs into the next. */
  const cleanups: Array<() => unknown> = []

  beforeAll(async () => {
    cluster = await startCluster({
      env: {
        SYNC_MAX_PENDING_BYTES: String(MAX_PENDING_BYTES),
        SYNC_COMPACT_ROWS: String(COMPACT_ROWS),
      },
    })
    redis = new Redis(cluster.redis.url)
    redis.on('error', () => {})
  }, 120_000)
  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  afterAll(async () => {
    redis?.disconnect()
    await cluster?.stop()
  })

  const instance = (i: number) => cluster.instances[i] as SyncProcess

  /** A marker writer closed after the test. */
  async function openWriter(syncUrl: string, docName: string, name: string): Promise<MarkerWriter> {
    const connected = await connectWriter(syncUrl, docName, name)
    cleanups.push(() => connected.client.close())
    return connected
  }
  /** Load stopped after the test. */
  function keepBusy(writers: MarkerWriter[], window: number): { stop(): void } {
    const running = startLoad(writers, window)
    cleanups.push(() => running.stop())
    return running
  }
  /** A metric of instance i; if it cannot be read, says whether the process died and how. */
  async function metric(i: number, name: string): Promise<number> {
    try {
      return await readMetric(instance(i).url, name)
    } catch (error) {
      const { child, logs } = instance(i)
      const last = logs.slice(-15).map((entry) => JSON.stringify(entry))
      throw new Error(
        `sync-${i + 1} (${instance(i).url}) did not answer: ${String(error)}; exit ${child.exitCode ?? child.signalCode ?? 'none'}; last logs:\n${last.join('\n')}\nstderr: ${instance(i).stderr()}`,
      )
    }
  }

  type Joined = ReturnType<typeof join>
  /** A stock y-websocket client (for RSVPs and capacity). */
  function join(syncUrl: string, docName: string, user: string) {
    const client = connectProvider(syncUrl, docName, { params: { user } })
    providers.push(client.provider)
    return { user, ...client }
  }

  /** The instance (index) holding the doc's lease and its fencing token, from Redis. */
  async function leaseOf(docName: string): Promise<{ instance: number; token: number } | null> {
    const value = await redis.get(`plansync:lease:doc:${docName}`)
    if (!value) return null
    const [id, token] = value.split(':')
    return { instance: Number(id?.replace('sync-', '')) - 1, token: Number(token) }
  }

  /** The single instance holding a doc, when only clients through nginx have it. */
  async function servingInstance(docName: string): Promise<number> {
    const holders = await cluster.holders(docName)
    expect(holders, `${docName} is held by exactly one instance`).toHaveLength(1)
    return holders[0] as number
  }

  it('loses nothing confirmed when an instance is killed mid-edit; its docs move, and come back to it after its restart', async () => {
    const docs = Array.from({ length: 9 }, (_, i) => `calendar:kill-${i}`)
    const writers: MarkerWriter[] = []
    const writersOf = new Map<string, MarkerWriter[]>(docs.map((doc) => [doc, []]))
    const connect = async (doc: string, name: string) => {
      const writer = await openWriter(cluster.nginx.syncUrl, doc, name)
      writers.push(writer)
      writersOf.get(doc)?.push(writer)
      return writer
    }
    const first = await Promise.all(
      docs.flatMap((doc, d) => [connect(doc, `k${d}a`), connect(doc, `k${d}b`)]),
    )
    // Where nginx's ring sends each doc.
    const servedBy = new Map<string, number>()
    for (const doc of docs) servedBy.set(doc, await servingInstance(doc))
    const load = keepBusy(first, 16)
    await sleep(800)

    // The victim: the instance serving the most of these docs.
    const served = [0, 1, 2].map((i) => docs.filter((doc) => servedBy.get(doc) === i).length)
    const victim = served.indexOf(Math.max(...served))
    const victimDocs = docs.filter((doc) => servedBy.get(doc) === victim)
    const victimProcess = instance(victim)
    victimProcess.child.kill('SIGKILL')
    await victimProcess.exited
    await waitFor(() => first.some((w) => !w.isOpen()), 'the victim clients to be cut off', 5_000)
    await sleep(200)
    const cut = first.filter((w) => !w.isOpen())
    expect(cut.map((w) => w.name).sort()).toEqual(
      first
        .filter((w) => victimDocs.some((doc) => writersOf.get(doc)?.includes(w)))
        .map((w) => w.name)
        .sort(),
    )

    // They reconnect through nginx, which sends them to another instance.
    const again = await Promise.all(
      cut.map((w) => {
        const doc = docs.find((name) => writersOf.get(name)?.includes(w)) as string
        return connect(doc, `${w.name}r`)
      }),
    )
    expect(again.every((w) => w.isOpen())).toBe(true)
    const reload = keepBusy(again, 16)
    await sleep(800)
    load.stop()
    reload.stop()
    await settleWriters(writers.filter((w) => w.isOpen()))
    // The victim's docs moved: each is held by one other instance now.
    for (const doc of victimDocs) {
      const holders = await cluster.holders(doc)
      expect(holders.length, `${doc} held after the crash`).toBeGreaterThan(0)
      expect(holders).not.toContain(victim)
    }

    const restarted = await cluster.restart(victim)
    for (const doc of docs) await checkDoc(cluster, doc, confirmedMarkers(writersOf.get(doc) ?? []))
    // Once every client has left and the docs unloaded, fresh clients
    // through nginx find each doc where it was before the crash: the
    // victim's on the restarted victim, at once (no instance is marked down).
    for (const writer of writers) await writer.client.close()
    const unloaded = () =>
      waitFor(
        async () =>
          (await Promise.all(docs.map((doc) => cluster.holders(doc)))).every((h) => h.length === 0),
        'every doc to unload',
        10_000,
      )
    await unloaded()
    const loadsBefore = await readMetric(restarted.url, 'sync_doc_loads_total')
    const back = await Promise.all(docs.map((doc, d) => connect(doc, `k${d}back`)))
    for (const writer of back) writer.write()
    await settleWriters(back)
    for (const doc of docs) {
      expect(await cluster.holders(doc), `${doc} served where it was before`).toEqual([
        servedBy.get(doc),
      ])
    }
    expect(await readMetric(restarted.url, 'sync_doc_loads_total')).toBe(
      loadsBefore + victimDocs.length,
    )
    for (const doc of docs) await checkDoc(cluster, doc, confirmedMarkers(writersOf.get(doc) ?? []))
    for (const writer of back) await writer.client.close()
  }, 90_000)

  it('moves the lease off an instance frozen past it (SIGSTOP): woken, it stops compacting and allocating; no overbooking, nothing lost', async () => {
    const docName = 'event:freeze'
    const capacity = 3
    // Everyone through nginx first: they all reach the instance the ring gives the doc.
    const proxied = await Promise.all(
      ['fa', 'fb'].map((name) => openWriter(cluster.nginx.syncUrl, docName, name)),
    )
    const host = join(cluster.nginx.syncUrl, docName, 'host')
    await waitSynced(host.provider)
    setCapacity(host.doc, capacity)
    const guests = ['g1', 'g2', 'g3', 'g4', 'g5'].map((user) =>
      join(cluster.nginx.syncUrl, docName, user),
    )
    await Promise.all(guests.map((guest) => waitSynced(guest.provider)))
    // Seats never exceed the capacity in any replica, at any moment.
    let mostSeats = 0
    const watch = (doc: Y.Doc) =>
      doc.on('update', () => {
        mostSeats = Math.max(mostSeats, confirmedSeats(doc))
      })
    for (const client of [host, ...guests]) watch(client.doc)
    for (const guest of guests) setRsvp(guest.doc, guest.user, { rsvp: 'yes' }, Date.now())
    await waitFor(
      () =>
        [host, ...guests].every(
          (client) => undecided(client.doc) === 0 && confirmedSeats(client.doc) === capacity,
        ),
      'three confirmed and two waitlisted everywhere',
      10_000,
    )
    const frozen = await servingInstance(docName)
    const awake = (frozen + 1) % 3
    const compactionsAtStart = await metric(frozen, 'sync_compactions_total')
    const load = keepBusy(proxied, 8)
    await waitFor(
      async () => (await metric(frozen, 'sync_compactions_total')) > compactionsAtStart,
      'the serving instance to compact the doc',
      15_000,
    )
    const before = await leaseOf(docName)
    expect(before?.instance, 'the serving instance holds the lease').toBe(frozen)
    const noticed = async () =>
      (await metric(frozen, 'sync_doc_leases_lost_total')) +
      (await metric(frozen, 'sync_fenced_writes_refused_total'))
    const noticedBefore = await noticed()
    const awakeCompactions = await metric(awake, 'sync_compactions_total')

    instance(frozen).child.kill('SIGSTOP')
    let direct: MarkerWriter
    let directLoad: { stop(): void }
    let leaving: Joined
    let late: Array<Joined>
    try {
      // Clients of another instance (routing is an optimisation): a writer,
      // a confirmed guest who cancels, and two late answers. The proxied
      // writers go on writing into the frozen instance's sockets.
      direct = await openWriter(instance(awake).syncUrl, docName, 'fc')
      directLoad = keepBusy([direct], 8)
      const confirmedGuest = guests.find((g) => seatOf(host.doc, g.user) === 'confirmed')
      leaving = join(instance(awake).syncUrl, docName, confirmedGuest?.user ?? '')
      late = ['l1', 'l2'].map((user) => join(instance(awake).syncUrl, docName, user))
      await Promise.all([leaving, ...late].map((client) => waitSynced(client.provider)))
      for (const client of [leaving, ...late]) watch(client.doc)
      setRsvp(leaving.doc, leaving.user, { rsvp: 'no' }, Date.now())
      for (const client of late) setRsvp(client.doc, client.user, { rsvp: 'yes' }, Date.now())
      // Once the frozen holder's lease ran out, the awake instance decides and compacts.
      const watcher = late[0] as Joined
      await waitFor(
        () =>
          undecided(watcher.doc) === 0 &&
          confirmedSeats(watcher.doc) === capacity &&
          seatOf(watcher.doc, leaving.user) !== 'confirmed',
        'the awake instance to decide the new answers',
        20_000,
      ).catch((error: unknown) => {
        const tail = (i: number) =>
          instance(i)
            .logs.slice(-20)
            .map((entry) => JSON.stringify(entry))
            .join('\n')
        throw new Error(
          `${String(error)}; undecided ${undecided(watcher.doc)}, seats ${confirmedSeats(watcher.doc)}, leaving ${seatOf(watcher.doc, leaving.user)}\nawake sync-${awake + 1}:\n${tail(awake)}\nfrozen sync-${frozen + 1}:\n${tail(frozen)}`,
        )
      })
      await waitFor(
        async () => (await metric(awake, 'sync_compactions_total')) > awakeCompactions,
        'the awake instance to compact the doc',
        15_000,
      )
      const after = await leaseOf(docName)
      expect(after?.instance, 'the lease moved').toBe(awake)
      expect(after?.token).toBeGreaterThan(before?.token ?? Number.POSITIVE_INFINITY)
      expect(await cluster.storedFence(docName)).toBe(after?.token)
    } finally {
      instance(frozen).child.kill('SIGCONT')
    }

    // Woken, it finds its lease gone (or its write refused) and does no
    // more of the work, although its writers keep its tail growing.
    await waitFor(
      async () => (await noticed()) > noticedBefore,
      'the woken instance to notice it lost the lease',
      10_000,
    )
    const compactionsAfterWake = await metric(frozen, 'sync_compactions_total')
    await sleep(3_000)
    expect(await metric(frozen, 'sync_compactions_total')).toBe(compactionsAfterWake)
    expect((await leaseOf(docName))?.instance).toBe(awake)
    load.stop()
    directLoad.stop()

    const writers = [...proxied, direct]
    await settleWriters(writers, 20_000)
    const replicas = [host, ...guests, leaving, ...late]
    await waitFor(
      () => new Set(replicas.map((c) => Y.encodeStateVector(c.doc).join())).size === 1,
      'every replica to converge',
      10_000,
    )
    for (const client of replicas) {
      expect(confirmedSeats(client.doc)).toBe(capacity)
      expect(undecided(client.doc)).toBe(0)
    }
    expect(mostSeats, 'seats confirmed at any moment').toBe(capacity)
    const stored = await cluster.storedDoc(docName)
    expect(confirmedSeats(stored)).toBe(capacity)
    expect(undecided(stored)).toBe(0)
    await checkDoc(cluster, docName, confirmedMarkers(writers))
    for (const writer of writers) await writer.client.close()
  }, 90_000)

  it('resyncs after Redis restarts: nothing lost, and relay between instances works again', async () => {
    const docs = Array.from({ length: 4 }, (_, i) => `calendar:redis-${i}`)
    // Two writers per doc on different instances, so updates must cross through Redis.
    const pairs = await Promise.all(
      docs.map(async (doc, d) => [
        await openWriter(instance(0).syncUrl, doc, `r${d}a`),
        await openWriter(instance(1 + (d % 2)).syncUrl, doc, `r${d}b`),
      ]),
    )
    const writers = pairs.flat()
    const runId = async () => /run_id:(\w+)/.exec(await redis.info('server'))?.[1]
    const runBefore = await runId()
    await redis.set('plansync:test:kept', '1')
    const load = keepBusy(writers, 16)
    await sleep(500)
    await cluster.redis.restart()
    // It really restarted, and with AOF it kept its data.
    expect(await runId()).not.toBe(runBefore)
    expect(await redis.get('plansync:test:kept')).toBe('1')
    await sleep(1_500)
    load.stop()
    await settleWriters(writers)
    // Relay resumes both ways: every marker acked on one instance, those
    // written after the restart too, reaches the client on the other.
    for (const writer of writers) writer.write()
    await settleWriters(writers)
    const relayed = (from: MarkerWriter, to: MarkerWriter) =>
      missingFrom(new Set(to.observedMarkers()), from.ackedMarkers()).length === 0
    await waitFor(
      () =>
        (pairs as [MarkerWriter, MarkerWriter][]).every(([a, b]) => relayed(a, b) && relayed(b, a)),
      'every acked marker relayed to the other instance',
      10_000,
    )
    for (const [d, doc] of docs.entries()) {
      await checkDoc(cluster, doc, confirmedMarkers(pairs[d] ?? []))
    }
    for (const writer of writers) await writer.client.close()
  })

  it('goes on compacting and deciding seats after Redis restarts without its data', async () => {
    const docName = 'event:amnesia'
    const capacity = 2
    const writers: MarkerWriter[] = []
    // Two rounds of load, each under a new lease, so storage's fence for the
    // doc is above the first token a fresh counter would hand out.
    for (const round of [1, 2]) {
      const writer = await openWriter(cluster.nginx.syncUrl, docName, `am${round}`)
      writers.push(writer)
      const load = keepBusy([writer], 8)
      await waitFor(
        async () => (await cluster.storedFence(docName)) === round,
        `round ${round} to compact under lease token ${round}`,
        15_000,
      )
      load.stop()
      await settleWriters([writer])
      await writer.client.close()
      await waitFor(
        async () => (await cluster.holders(docName)).length === 0,
        'the doc to unload',
        10_000,
      )
    }
    const fenceBefore = await cluster.storedFence(docName)
    expect(fenceBefore).toBeGreaterThanOrEqual(2)

    const writer = await openWriter(cluster.nginx.syncUrl, docName, 'am3')
    writers.push(writer)
    const host = join(cluster.nginx.syncUrl, docName, 'host')
    const guests = ['a1', 'a2', 'a3'].map((user) => join(cluster.nginx.syncUrl, docName, user))
    await Promise.all([host, ...guests].map((client) => waitSynced(client.provider)))
    setCapacity(host.doc, capacity)
    const [a1, a2, a3] = guests as [Joined, Joined, Joined]
    for (const guest of [a1, a2]) setRsvp(guest.doc, guest.user, { rsvp: 'yes' }, Date.now())
    await waitFor(
      () => undecided(host.doc) === 0 && confirmedSeats(host.doc) === capacity,
      'two confirmed',
      10_000,
    )
    await redis.set('plansync:test:forgotten', '1')
    await cluster.redis.restart({ loseData: true })
    // Everything is gone, the token counters with it.
    expect(await redis.get('plansync:test:forgotten')).toBeNull()
    expect(await redis.exists(`plansync:lease:doc:${docName}:fence`)).toBe(0)

    // New answers and more writes are decided and compacted, under tokens above storage's.
    const ackedAtLoss = writer.acked()
    const load = keepBusy([writer], 8)
    setRsvp(a3.doc, 'a3', { rsvp: 'yes' }, Date.now())
    setRsvp(a1.doc, 'a1', { rsvp: 'no' }, Date.now())
    await waitFor(
      () =>
        undecided(host.doc) === 0 &&
        confirmedSeats(host.doc) === capacity &&
        seatOf(host.doc, 'a3') === 'confirmed',
      'seats decided after Redis lost its data',
      20_000,
    )
    // Enough writes to pass the compaction threshold three times over.
    await waitFor(
      () => writer.acked() - ackedAtLoss >= 3 * COMPACT_ROWS,
      'writes after Redis lost its data',
      20_000,
    )
    load.stop()
    await settleWriters(writers)
    expect(await cluster.storedFence(docName)).toBeGreaterThan(fenceBefore)
    expect(await cluster.storedLogRows(docName), 'compacted after the loss').toBeLessThan(
      2 * COMPACT_ROWS,
    )
    await checkDoc(cluster, docName, confirmedMarkers(writers))
    await writer.client.close()
  }, 90_000)

  it('confirms and relays nothing while Postgres is down, turns away excess writers, then flushes all', async () => {
    const docs = Array.from({ length: 3 }, (_, i) => `calendar:pg-${i}`)
    const pairs = await Promise.all(
      docs.map(async (doc, d) => [
        await openWriter(instance(d % 3).syncUrl, doc, `p${d}a`),
        await openWriter(instance((d + 1) % 3).syncUrl, doc, `p${d}b`),
      ]),
    )
    const writers = pairs.flat()
    const load = keepBusy(writers, 8)
    await sleep(500)
    load.stop()
    await settleWriters(writers)

    await cluster.postgres.pause()
    const before = writers.map((w) => ({ acked: w.acked(), observed: w.observedMarkers().length }))
    const outage = keepBusy(writers, 8)
    // A writer pushing large updates into a loaded doc while storage is down:
    // turned away with 1013 once the updates waiting for storage hit the cap.
    const flood = await connectRaw(`${instance(0).syncUrl}/${docs[0]}?user=flood`)
    const big = new Y.Doc()
    let floodSent = 0
    big.on('update', (update: Uint8Array) => {
      if (!flood.closed) flood.send(encodeSync(SyncMessageType.update, update))
      floodSent += 1
    })
    for (let i = 0; i < 40 && !flood.closed; i++) {
      big.getMap('blobs').set(`b${i}`, 'x'.repeat(32 * 1024))
      await sleep(25)
    }
    const floodClose = await flood.waitForClose(10_000)
    expect(floodClose.code).toBe(CloseCode.tryAgainLater)
    expect(floodSent).toBeGreaterThan(0)
    // Memory stays bounded while storage is down.
    for (const i of cluster.instances.keys()) {
      expect(await metric(i, 'sync_pending_bytes')).toBeLessThanOrEqual(
        MAX_PENDING_BYTES + 64 * 1024,
      )
    }
    // The rest of the 20 s outage: no ack, no relay of anything new.
    await sleep(18_000)
    outage.stop()
    writers.forEach((w, i) => {
      expect(w.acked(), `${w.name} acked during the outage`).toBe(before[i]?.acked)
      expect(w.observedMarkers().length, `${w.name} saw a relay during the outage`).toBe(
        before[i]?.observed,
      )
    })
    expect(writers.some((w) => w.sent.length > w.acked())).toBe(true)

    await cluster.postgres.resume()
    await settleWriters(writers, 30_000)
    for (const [d, doc] of docs.entries()) {
      await checkDoc(cluster, doc, confirmedMarkers(pairs[d] ?? []))
    }
    for (const writer of writers) await writer.client.close()
  }, 90_000)
})
