// A doc's life in the server: loaded once however many clients join at
// once, never served (or overwritten) when its stored bytes do not load,
// unloaded when the last client leaves, compacted as its log grows, and no
// memory left behind after thousands of connections come and go.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  createInsecureDevVerifier,
  createSqliteStore,
  createSyncServer,
  type DocStore,
  type SyncServer,
} from '@plansync/sync-server'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import {
  connectWriter,
  type MarkerWriter,
  markersOf,
  readMarkers,
  readMetric,
} from './utils/markers.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import { connectRaw, type RawClient } from './utils/raw-client.ts'
import {
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

const DOC_UNAVAILABLE = 4503

const providers: WebsocketProvider[] = []
const clients: RawClient[] = []
const processes: SyncProcess[] = []
const inProcess: SyncServer[] = []
const tempDirs: string[] = []

afterEach(async () => {
  for (const provider of providers.splice(0)) provider.destroy()
  for (const client of clients.splice(0)) client.ws.terminate()
  for (const server of inProcess.splice(0)) await server.close({ timeoutMs: 1_000 })
  for (const server of processes.splice(0)) {
    await stopSyncProcess(server, 'SIGKILL')
    await removeDataDir(server)
  }
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

async function start(options: { env?: Record<string, string>; dataDir?: string } = {}) {
  const server = await startSyncProcess(options)
  processes.push(server)
  return server
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'plansync-lifecycle-'))
  tempDirs.push(dir)
  return dir
}

/** An in-process server on a SQLite file, its store's `load` wrapped by the test. */
async function startInProcess(wrapLoad: (load: DocStore['load']) => DocStore['load']) {
  const inner = createSqliteStore({ file: path.join(await tempDir(), 'docs.sqlite') })
  await inner.migrate()
  const store: DocStore = { ...inner, load: wrapLoad((name) => inner.load(name)) }
  const server = createSyncServer({ store, verifier: createInsecureDevVerifier() })
  inProcess.push(server)
  const url = await server.listen(0, '127.0.0.1')
  return { url, syncUrl: `${url.replace(/^http/, 'ws')}/sync` }
}

/** Writes `count` markers, at most `window` unacked at a time, and waits for every ack. */
async function writeAcked(writer: MarkerWriter, count: number, window = 16): Promise<void> {
  const target = writer.sent.length + count
  while (writer.acked() < target) {
    while (writer.sent.length < target && writer.sent.length - writer.acked() < window) {
      writer.write()
    }
    await new Promise((resolve) => setTimeout(resolve, 2))
    if (!writer.isOpen()) throw new Error(`${writer.name} closed: ${writer.client.closed?.code}`)
  }
}

async function writer(syncUrl: string, doc: string, name: string): Promise<MarkerWriter> {
  const w = await connectWriter(syncUrl, doc, name)
  clients.push(w.client)
  return w
}

/** Stored rows of one doc, straight from the SQLite file. */
function storedRows(dataDir: string, doc: string) {
  const db = new Database(path.join(dataDir, 'plansync.sqlite'), { readonly: true })
  try {
    return {
      updates: db.prepare('select id, data from updates where doc = ? order by id').all(doc),
      snapshots: db
        .prepare('select id, upto, data from snapshots where doc = ? order by id')
        .all(doc),
    }
  } finally {
    db.close()
  }
}

describe('doc lifecycle', () => {
  it('loads a cold doc once when 50 clients join at the same moment', async () => {
    let storeLoads = 0
    const server = await startInProcess((load) => async (name) => {
      storeLoads += 1
      // A slow load keeps every join waiting on the same one.
      await new Promise((resolve) => setTimeout(resolve, 150))
      return load(name)
    })
    const seed = await writer(server.syncUrl, 'calendar:cold', 'seed')
    await writeAcked(seed, 10)
    await seed.client.close()
    await waitFor(
      async () => (await readMetric(server.url, 'sync_loaded_docs')) === 0,
      'seed doc unloaded',
    )
    const loadsBefore = await readMetric(server.url, 'sync_doc_loads_total')
    storeLoads = 0

    // Each stock provider adds a process 'exit' listener; 50 are expected here.
    const maxListeners = process.getMaxListeners()
    process.setMaxListeners(60)
    onTestFinished(() => {
      process.setMaxListeners(maxListeners)
    })
    const joined = Array.from({ length: 50 }, (_, i) =>
      connectProvider(server.syncUrl, 'calendar:cold', { params: { user: `u${i}` } }),
    )
    providers.push(...joined.map((j) => j.provider))
    await Promise.all(joined.map((j) => waitSynced(j.provider, 10_000)))

    expect(storeLoads).toBe(1)
    expect((await readMetric(server.url, 'sync_doc_loads_total')) - loadsBefore).toBe(1)
    expect(await readMetric(server.url, 'sync_loaded_docs')).toBe(1)
    for (const j of joined) expect(markersOf(j.doc)).toHaveLength(10)
  })

  it('refuses a doc whose stored bytes do not load, and leaves them untouched', async () => {
    const first = await start()
    for (const doc of ['calendar:broken', 'calendar:healthy']) {
      const w = await writer(first.syncUrl, doc, 'before')
      await writeAcked(w, 20)
    }
    expect(await stopSyncProcess(first, 'SIGTERM')).toEqual({ code: 0, signal: null })
    // A truncated update (a varUint that never ends) in the log of one doc.
    const db = new Database(path.join(first.dataDir, 'plansync.sqlite'))
    db.prepare('insert into updates (doc, data) values (?, ?)').run(
      'calendar:broken',
      Buffer.from([0xff, 0xff, 0xff]),
    )
    db.close()
    const before = storedRows(first.dataDir, 'calendar:broken')

    const server = await start({ dataDir: first.dataDir })
    // A client with offline edits: were the doc served empty, it would upload them.
    const offline = connectProvider(server.syncUrl, 'calendar:broken', { params: { user: 'off' } })
    providers.push(offline.provider)
    offline.doc.getMap('markers').set('offline-edit', true)
    const offlineCloses: number[] = []
    offline.provider.on('connection-close', (event) => offlineCloses.push(event?.code ?? -1))
    const raw = await connectRaw(`${server.syncUrl}/calendar:broken?ack=1`)
    clients.push(raw)
    expect((await raw.waitForClose()).code).toBe(DOC_UNAVAILABLE)
    // The failure is not cached: the provider's retries load (and fail) again.
    await waitFor(() => offlineCloses.length >= 2, 'provider refused twice')
    expect(new Set(offlineCloses)).toEqual(new Set([DOC_UNAVAILABLE]))
    offline.provider.destroy()

    expect(await readMetric(server.url, 'sync_doc_load_failures_total')).toBeGreaterThanOrEqual(2)
    expect(await readMetric(server.url, 'sync_doc_loads_total')).toBe(0)
    expect(await readMetric(server.url, 'sync_loaded_docs')).toBe(0)
    // Other docs are served as usual.
    expect((await readMarkers(server.syncUrl, 'calendar:healthy')).size).toBe(20)

    expect(await stopSyncProcess(server, 'SIGTERM')).toEqual({ code: 0, signal: null })
    expect(storedRows(first.dataDir, 'calendar:broken')).toEqual(before)
  })

  it('serves a doc once storage recovers from a failed load', async () => {
    let failNext = false
    const server = await startInProcess((load) => async (name) => {
      if (failNext) {
        failNext = false
        throw new Error('storage is down')
      }
      return load(name)
    })
    const w = await writer(server.syncUrl, 'calendar:flaky', 'w')
    await writeAcked(w, 5)
    await w.client.close()
    await waitFor(async () => (await readMetric(server.url, 'sync_loaded_docs')) === 0, 'unload')

    failNext = true
    const refused = await connectRaw(`${server.syncUrl}/calendar:flaky`)
    clients.push(refused)
    expect((await refused.waitForClose()).code).toBe(DOC_UNAVAILABLE)
    expect(await readMetric(server.url, 'sync_loaded_docs')).toBe(0)
    // Nothing empty was cached in its place: the next join loads the real content.
    expect((await readMarkers(server.syncUrl, 'calendar:flaky')).size).toBe(5)
    expect(await readMetric(server.url, 'sync_doc_load_failures_total')).toBe(1)
  })

  it('unloads a doc when its last client leaves and reloads it with all content', async () => {
    const server = await start()
    const a = connectProvider(server.syncUrl, 'calendar:unload', { params: { user: 'a' } })
    const b = connectProvider(server.syncUrl, 'calendar:unload', { params: { user: 'b' } })
    providers.push(a.provider, b.provider)
    await Promise.all([waitSynced(a.provider), waitSynced(b.provider)])
    a.doc.getText('notes').insert(0, 'from a')
    b.doc.getMap('markers').set('from-b', true)
    await waitFor(
      () => a.doc.getMap('markers').has('from-b') && b.doc.getText('notes').length > 0,
      'edits relayed',
    )
    expect(await readMetric(server.url, 'sync_loaded_docs')).toBe(1)

    a.provider.destroy()
    await waitFor(async () => (await readMetric(server.url, 'sync_connections')) === 1, 'a left')
    expect(await readMetric(server.url, 'sync_loaded_docs')).toBe(1)
    b.provider.destroy()
    await waitFor(
      async () => (await readMetric(server.url, 'sync_loaded_docs')) === 0,
      'doc unloaded after the last client left',
    )

    const c = connectProvider(server.syncUrl, 'calendar:unload', { params: { user: 'c' } })
    providers.push(c.provider)
    await waitSynced(c.provider)
    expect(c.doc.getText('notes').toString()).toBe('from a')
    expect(markersOf(c.doc)).toEqual(['from-b'])
    expect(await readMetric(server.url, 'sync_doc_loads_total')).toBe(2)
  })

  it('returns to its memory baseline after thousands of connections over many docs', async () => {
    // A full GC every 100 ms in the server makes heap samples comparable.
    const dir = await tempDir()
    const preload = path.join(dir, 'gc-often.mjs')
    await writeFile(preload, 'setInterval(() => globalThis.gc(), 100).unref()\n')
    const server = await start({
      env: { NODE_OPTIONS: `--expose-gc --import=${preload}`, LOG_LEVEL: 'info' },
    })
    const DOCS = 200
    const PER_DOC = 2
    const ROUNDS = 6

    async function churn(round: number): Promise<number> {
      const churned = await Promise.all(
        Array.from({ length: DOCS * PER_DOC }, (_, i) =>
          writer(server.syncUrl, `event:churn-${i % DOCS}`, `r${round}c${i}`),
        ),
      )
      await Promise.all(churned.map((w) => writeAcked(w, 3)))
      await Promise.all(churned.map((w) => w.client.close()))
      clients.splice(0)
      await waitFor(
        async () =>
          (await readMetric(server.url, 'sync_connections')) === 0 &&
          (await readMetric(server.url, 'sync_loaded_docs')) === 0,
        'connections closed and docs unloaded',
      )
      await new Promise((resolve) => setTimeout(resolve, 300))
      return readMetric(server.url, 'nodejs_heap_size_used_bytes')
    }

    const heaps: number[] = []
    for (let round = 1; round <= ROUNDS; round++) heaps.push(await churn(round))
    // Round 1 warms up (code, caches, pools); five more rounds must not add to it.
    const baseline = heaps[0] ?? 0
    const final = heaps.at(-1) ?? 0
    console.log(`heap after each round (MB): ${heaps.map((h) => (h / 2 ** 20).toFixed(1))}`)
    expect(await readMetric(server.url, 'sync_loaded_docs')).toBe(0)
    expect(await readMetric(server.url, 'sync_connections')).toBe(0)
    // With a full GC before each sample, a healthy run grows well under 1 MB here;
    // keeping every closed connection would add about 3 MB per round.
    expect(final - baseline).toBeLessThan(4 * 2 ** 20)
    // Every doc kept what every round wrote.
    const sample = await readMarkers(server.syncUrl, 'event:churn-7')
    expect(sample.size).toBe(ROUNDS * PER_DOC * 3)
  }, 60_000)

  it('compacts the log as it grows and loads the compacted doc after a restart', async () => {
    const env = { SYNC_COMPACT_ROWS: '50' }
    const server = await start({ env })
    const w = await writer(server.syncUrl, 'calendar:compact', 'w')
    await writeAcked(w, 500)
    await waitFor(
      async () => (await readMetric(server.url, 'sync_log_rows_awaiting_compaction')) < 100,
      'log compacted',
    )
    expect(await readMetric(server.url, 'sync_compactions_total')).toBeGreaterThan(0)
    expect(await stopSyncProcess(server, 'SIGTERM')).toEqual({ code: 0, signal: null })
    expect(storedRows(server.dataDir, 'calendar:compact').updates.length).toBeLessThan(100)

    const restarted = await start({ env, dataDir: server.dataDir })
    const stored = await readMarkers(restarted.syncUrl, 'calendar:compact')
    expect(stored).toEqual(new Set(w.sent))
    expect(stored.size).toBe(500)
  })
})
