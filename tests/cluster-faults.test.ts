// Fault tests of the cluster topology: real Postgres, Redis (AOF) and nginx,
// three real sync-server processes. Clients write unique markers and record
// what the server confirmed (acks) and what it relayed to them; the checker
// requires every such marker in every replica and in storage, the replicas
// equal, and no pending structs.
import { CloseCode, SyncMessageType } from '@plansync/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { startCluster, type TestCluster } from './utils/cluster.ts'
import {
  connectWriter,
  encodeSync,
  type MarkerWriter,
  markersOf,
  missingFrom,
  readDoc,
  readMetric,
  startLoad,
} from './utils/markers.ts'
import { connectRaw } from './utils/raw-client.ts'
import { waitFor } from './utils/wait.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Small, so a storage outage fills it and extra writers are turned away. */
const MAX_PENDING_BYTES = 256 * 1024

describe('the cluster under faults', () => {
  let cluster: TestCluster

  beforeAll(async () => {
    cluster = await startCluster({ env: { SYNC_MAX_PENDING_BYTES: String(MAX_PENDING_BYTES) } })
  }, 120_000)
  afterAll(async () => {
    await cluster?.stop()
  })

  const syncUrlOf = (i: number) => (cluster.instances[i] as { syncUrl: string }).syncUrl

  /** What the writers of a doc were told is durable, or saw relayed from others. */
  function mustSurvive(writers: MarkerWriter[]): string[] {
    return [...new Set(writers.flatMap((w) => [...w.ackedMarkers(), ...w.observedMarkers()]))]
  }

  /** Every replica (each instance, the proxy) and storage hold `expected` and are equal. */
  async function checkDoc(docName: string, expected: string[]): Promise<void> {
    const replicas: Array<[string, Y.Doc]> = [
      ['nginx', await readDoc(cluster.nginx.syncUrl, docName)],
    ]
    for (const [i] of cluster.instances.entries()) {
      replicas.push([`sync-${i + 1}`, await readDoc(syncUrlOf(i), docName)])
    }
    replicas.push(['storage', await cluster.storedDoc(docName)])
    for (const [where, doc] of replicas) {
      const missing = missingFrom(new Set(markersOf(doc)), expected)
      expect(missing, `${docName}: confirmed markers missing at ${where}`).toEqual([])
      expect(doc.store.pendingStructs, `${docName} at ${where}`).toBeNull()
      expect(doc.store.pendingDs, `${docName} at ${where}`).toBeNull()
    }
    const [, first] = replicas[0] as [string, Y.Doc]
    for (const [where, doc] of replicas) {
      expect(markersOf(doc).sort(), `${docName}: ${where} differs`).toEqual(markersOf(first).sort())
    }
  }

  async function settle(writers: MarkerWriter[], timeoutMs = 15_000): Promise<void> {
    await waitFor(
      () => writers.every((w) => !w.isOpen() || w.acked() === w.sent.length),
      'open writers to have every message acked',
      timeoutMs,
    )
  }

  it('loses nothing confirmed when an instance is killed mid-edit; its docs move and come back', async () => {
    const docs = Array.from({ length: 9 }, (_, i) => `calendar:kill-${i}`)
    const writers: MarkerWriter[] = []
    const writersOf = new Map<string, MarkerWriter[]>(docs.map((doc) => [doc, []]))
    const connect = async (doc: string, name: string) => {
      const writer = await connectWriter(cluster.nginx.syncUrl, doc, name)
      writers.push(writer)
      writersOf.get(doc)?.push(writer)
      return writer
    }
    const first = await Promise.all(
      docs.flatMap((doc, d) => [connect(doc, `k${d}a`), connect(doc, `k${d}b`)]),
    )
    const load = startLoad(first, 16)
    await sleep(800)

    // The victim: the instance holding the most of these docs.
    const held = await Promise.all(
      cluster.instances.map((instance) => readMetric(instance.url, 'sync_loaded_docs')),
    )
    const victim = held.indexOf(Math.max(...held))
    const victimProcess = cluster.instances[victim] as (typeof cluster.instances)[number]
    victimProcess.child.kill('SIGKILL')
    await victimProcess.exited
    await waitFor(() => first.some((w) => !w.isOpen()), 'the victim clients to be cut off', 5_000)
    const cut = first.filter((w) => !w.isOpen())
    expect(cut.length).toBeGreaterThan(0)

    // They reconnect through nginx, which sends them to the next instance on the ring.
    const again = await Promise.all(
      cut.map((w) => {
        const doc = docs.find((name) => writersOf.get(name)?.includes(w)) as string
        return connect(doc, `${w.name}r`)
      }),
    )
    expect(again.every((w) => w.isOpen())).toBe(true)
    const reload = startLoad(again, 16)
    await sleep(800)
    load.stop()
    reload.stop()
    await settle(writers.filter((w) => w.isOpen()))

    // Restarted, the victim serves its docs again: nginx tries a failed
    // instance again after fail_timeout (5 s), and the ring sends them back.
    const restarted = await cluster.restart(victim)
    for (const doc of docs) await checkDoc(doc, mustSurvive(writersOf.get(doc) ?? []))
    await sleep(5_500)
    const loadsBefore = await readMetric(restarted.url, 'sync_doc_loads_total')
    for (const doc of docs) await readDoc(cluster.nginx.syncUrl, doc)
    expect(await readMetric(restarted.url, 'sync_doc_loads_total')).toBeGreaterThan(loadsBefore)
    for (const doc of docs) await checkDoc(doc, mustSurvive(writersOf.get(doc) ?? []))
    for (const writer of writers) await writer.client.close()
  })

  it('resyncs after Redis restarts: nothing lost, and relay between instances works again', async () => {
    const docs = Array.from({ length: 4 }, (_, i) => `calendar:redis-${i}`)
    // Two writers per doc on different instances, so updates must cross through Redis.
    const pairs = await Promise.all(
      docs.map(async (doc, d) => [
        await connectWriter(syncUrlOf(0), doc, `r${d}a`),
        await connectWriter(syncUrlOf(1 + (d % 2)), doc, `r${d}b`),
      ]),
    )
    const writers = pairs.flat()
    const load = startLoad(writers, 16)
    await sleep(500)
    await cluster.redis.restart()
    await sleep(1_500)
    load.stop()
    await settle(writers)
    // A marker written after the restart reaches the other instance's client.
    for (const [a, b] of pairs as [MarkerWriter, MarkerWriter][]) {
      const id = a.write() as string
      await waitFor(
        () => b.observedMarkers().includes(id),
        `${id} relayed after the restart`,
        10_000,
      )
    }
    await settle(writers)
    for (const [d, doc] of docs.entries()) await checkDoc(doc, mustSurvive(pairs[d] ?? []))
    for (const writer of writers) await writer.client.close()
  })

  it('confirms and relays nothing while Postgres is down, turns away excess writers, then flushes all', async () => {
    const docs = Array.from({ length: 3 }, (_, i) => `calendar:pg-${i}`)
    const pairs = await Promise.all(
      docs.map(async (doc, d) => [
        await connectWriter(syncUrlOf(d % 3), doc, `p${d}a`),
        await connectWriter(syncUrlOf((d + 1) % 3), doc, `p${d}b`),
      ]),
    )
    const writers = pairs.flat()
    const load = startLoad(writers, 8)
    await sleep(500)
    load.stop()
    await settle(writers)

    await cluster.postgres.pause()
    const before = writers.map((w) => ({ acked: w.acked(), observed: w.observedMarkers().length }))
    const outage = startLoad(writers, 8)
    // A writer pushing large updates into a loaded doc while storage is down:
    // turned away with 1013 once the updates waiting for storage hit the cap.
    const flood = await connectRaw(`${syncUrlOf(0)}/${docs[0]}?user=flood`)
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
    for (const instance of cluster.instances) {
      expect(await readMetric(instance.url, 'sync_pending_bytes')).toBeLessThanOrEqual(
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
    await settle(writers, 30_000)
    for (const [d, doc] of docs.entries()) await checkDoc(doc, mustSurvive(pairs[d] ?? []))
    for (const writer of writers) await writer.client.close()
  }, 90_000)

  it('serves a reconnect storm of 2,000 clients, loading each doc once in the cluster', async () => {
    const docs = Array.from({ length: 100 }, (_, i) => `calendar:storm-${i}`)
    const loads = async () =>
      (
        await Promise.all(
          cluster.instances.map((instance) => readMetric(instance.url, 'sync_doc_loads_total')),
        )
      ).reduce((sum, n) => sum + n, 0)
    const loadsBefore = await loads()
    const started = performance.now()
    const clients = await Promise.all(
      Array.from({ length: 2_000 }, async (_, i) => {
        // Spread over about 2 s, as after a network blip.
        await sleep(i)
        const client = await connectRaw(
          `${cluster.nginx.syncUrl}/${docs[i % docs.length]}?user=storm${i}`,
        )
        client.send(encodeSync(SyncMessageType.step1, Y.encodeStateVector(new Y.Doc())))
        return client
      }),
    )
    await waitFor(
      () => clients.every((c) => c.frames.some((f) => f.type === 'sync-step2')),
      'every storm client to get its sync step 2',
      60_000,
    )
    const seconds = (performance.now() - started) / 1000
    expect(clients.filter((c) => c.closed)).toEqual([])
    expect((await loads()) - loadsBefore).toBe(docs.length)
    console.info(`reconnect storm: 2000 clients synced in ${seconds.toFixed(1)} s`)
    await Promise.all(clients.map((c) => c.close()))
  }, 120_000)
})
