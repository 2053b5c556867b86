// A reconnect storm through nginx: 2,000 clients of 100 docs that have
// content are all cut off at once (nginx restarts) and come back within
// about 3 s, each with the replica it had, as stock clients do. Every doc is
// loaded once on the instance nginx sends it to, everyone is synced within a
// bound, and nothing confirmed is lost. Three sync servers on Postgres and
// Redis, as in cluster-faults.test.ts.
import { SyncMessageType } from '@plansync/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { startCluster, type TestCluster } from './utils/cluster.ts'
import { checkDoc, metricOfAll } from './utils/cluster-check.ts'
import {
  connectWriter,
  createPrng,
  encodeSync,
  type MarkerWriter,
  markersOf,
  missingFrom,
  pickSeed,
  settleWriters,
} from './utils/markers.ts'
import { connectRaw, decodeFrame, type RawClient } from './utils/raw-client.ts'
import { waitFor } from './utils/wait.ts'

const DOCS = 100
/** One marker writer and this many reading replicas per doc: 2,000 clients. */
const READERS_PER_DOC = 19
const MARKERS_BEFORE = 10
const MARKERS_AFTER = 2
/** Generous for 2 cores; the time taken is printed. */
const SYNC_BOUND_S = 60

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const sum = (values: number[]) => values.reduce((total, n) => total + n, 0)

/** A client keeping a replica of one doc across connections, as y-websocket does. */
interface Replica {
  docName: string
  doc: Y.Doc
  client?: RawClient
  /** Got a sync step 2 on its current connection. */
  synced: boolean
}

/** Connects (again) with what the replica has: step 1 with its state vector, then takes in everything. */
async function connectReplica(url: string, replica: Replica, user: string): Promise<void> {
  replica.synced = false
  const client = await connectRaw(`${url}/${replica.docName}?user=${user}`)
  replica.client = client
  const take = (data: Buffer) => {
    const frame = decodeFrame(new Uint8Array(data))
    if (frame.type !== 'sync-step2' && frame.type !== 'sync-update') return
    Y.applyUpdate(replica.doc, frame.payload)
    if (frame.type === 'sync-step2') replica.synced = true
  }
  client.ws.on('message', take)
  client.send(encodeSync(SyncMessageType.step1, Y.encodeStateVector(replica.doc)))
}

describe('a reconnect storm through nginx', () => {
  let cluster: TestCluster

  beforeAll(async () => {
    cluster = await startCluster()
  }, 120_000)
  afterAll(async () => {
    await cluster?.stop()
  })

  it('brings 2,000 clients of 100 docs with content back within the bound, each doc loaded once', async () => {
    const seed = pickSeed()
    const random = createPrng(seed)
    const docs = Array.from({ length: DOCS }, (_, i) => `calendar:storm-${i}`)
    const url = cluster.nginx.syncUrl

    // Content first: each doc's writer stores markers, and its readers sync them.
    const writers = await Promise.all(docs.map((doc, d) => connectWriter(url, doc, `w${d}`)))
    for (const writer of writers) for (let i = 0; i < MARKERS_BEFORE; i++) writer.write()
    await settleWriters(writers, 30_000)
    const replicas: Replica[] = docs.flatMap((docName) =>
      Array.from({ length: READERS_PER_DOC }, () => ({ docName, doc: new Y.Doc(), synced: false })),
    )
    await Promise.all(
      replicas.map(async (replica, i) => {
        await sleep(random() * 2_000)
        await connectReplica(url, replica, `reader${i}`)
      }),
    )
    const expectedOf = (d: number, extra: MarkerWriter[] = []) =>
      [writers[d] as MarkerWriter, ...extra].flatMap((w) => w.ackedMarkers())
    const hasAll = (replica: Replica, expected: string[]) =>
      missingFrom(new Set(markersOf(replica.doc)), expected).length === 0
    await waitFor(
      () => replicas.every((r) => r.synced && hasAll(r, expectedOf(docs.indexOf(r.docName)))),
      'every reader to hold its doc',
      60_000,
    )

    // The storm: nginx restarts, every client is cut off at once.
    await cluster.nginx.restart()
    await waitFor(
      () => replicas.every((r) => r.client?.closed) && writers.every((w) => !w.isOpen()),
      'every client to be cut off',
      15_000,
    )
    await waitFor(
      async () => sum(await metricOfAll(cluster, 'sync_loaded_docs')) === 0,
      'the instances to unload every doc',
      15_000,
    )
    const loadsBefore = await metricOfAll(cluster, 'sync_doc_loads_total')

    // Everyone comes back within about 3 s (clients' backoff with jitter),
    // readers with their replicas, writers as new clients that write at once.
    const started = performance.now()
    const again: MarkerWriter[] = []
    await Promise.all([
      ...replicas.map(async (replica, i) => {
        await sleep(random() * 3_000)
        await connectReplica(url, replica, `reader${i}`)
      }),
      ...docs.map(async (doc, d) => {
        await sleep(random() * 3_000)
        const writer = await connectWriter(url, doc, `w${d}r`)
        again[d] = writer
        for (let i = 0; i < MARKERS_AFTER; i++) writer.write()
      }),
    ])
    await waitFor(
      () =>
        again.every((w) => w.acked() === MARKERS_AFTER) &&
        replicas.every(
          (r) =>
            r.synced &&
            hasAll(
              r,
              expectedOf(docs.indexOf(r.docName), [again[docs.indexOf(r.docName)] as MarkerWriter]),
            ),
        ),
      'every client to be synced again, with the markers written after the storm',
      SYNC_BOUND_S * 1_000,
    )
    const seconds = (performance.now() - started) / 1000
    console.info(
      `reconnect storm: ${replicas.length + again.length} clients of ${DOCS} docs synced in ${seconds.toFixed(1)} s (seed ${seed})`,
    )
    expect(seconds).toBeLessThan(SYNC_BOUND_S)
    expect(replicas.filter((r) => r.client?.closed)).toEqual([])

    // Each doc was loaded once, on one instance: every instance loaded
    // exactly the docs it holds now, and together they hold each doc once.
    const loads = (await metricOfAll(cluster, 'sync_doc_loads_total')).map(
      (n, i) => n - (loadsBefore[i] ?? 0),
    )
    const held = await metricOfAll(cluster, 'sync_loaded_docs')
    expect(loads, 'doc loads per instance').toEqual(held)
    expect(sum(loads)).toBe(DOCS)

    // Nothing lost: the replicas of a doc are equal and hold every confirmed
    // marker; a sample goes through the full checker (every instance, storage).
    for (const [d, doc] of docs.entries()) {
      const expected = expectedOf(d, [again[d] as MarkerWriter]).sort()
      for (const replica of replicas.filter((r) => r.docName === doc)) {
        expect(markersOf(replica.doc).sort(), doc).toEqual(expected)
      }
    }
    for (let d = 0; d < DOCS; d += 10) {
      await checkDoc(cluster, docs[d] as string, expectedOf(d, [again[d] as MarkerWriter]))
    }
    await Promise.all([
      ...replicas.map((r) => r.client?.close()),
      ...again.map((w) => w.client.close()),
    ])
  }, 240_000)
})
