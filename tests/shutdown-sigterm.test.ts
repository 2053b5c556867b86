// A clean shutdown under write load, on SQLite and on Postgres: SIGTERM closes
// every client with 1001, flushes what the server accepted, and exits 0 in
// time; after a restart every acked or relayed marker is there, and so is
// every update the server had accepted but not yet committed.
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import {
  connectWriter,
  type MarkerWriter,
  markersOf,
  missingFrom,
  readMarkers,
  readMetric,
  startLoad,
} from './utils/markers.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import {
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

const SHUTDOWN_TIMEOUT_MS = 5_000
const DOCS = ['calendar:term-a', 'calendar:term-b']

let admin: postgres.Sql | undefined
const databases: string[] = []

/** A fresh database on the throwaway Postgres of this test run. */
async function createDatabase(): Promise<string> {
  const serverUrl = inject('postgresUrl')
  admin ??= postgres(serverUrl, { max: 1, onnotice: () => {} })
  const name = `term_${randomBytes(6).toString('hex')}`
  await admin`create database ${admin(name)}`
  databases.push(name)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

afterAll(async () => {
  if (!admin) return
  for (const name of databases) await admin`drop database if exists ${admin(name)} with (force)`
  await admin.end()
})

const backends = [
  { storage: 'sqlite', env: async (): Promise<Record<string, string>> => ({}) },
  {
    storage: 'postgres',
    env: async (): Promise<Record<string, string>> => ({
      STORAGE: 'postgres',
      DATABASE_URL: await createDatabase(),
    }),
  },
]

describe.each(backends)('SIGTERM on $storage', ({ env: backendEnv }) => {
  const servers: SyncProcess[] = []
  const providers: WebsocketProvider[] = []
  const writers: MarkerWriter[] = []

  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    for (const writer of writers.splice(0)) writer.client.ws.terminate()
    for (const server of servers.splice(0)) {
      await stopSyncProcess(server, 'SIGKILL')
      await removeDataDir(server)
    }
  })

  async function start(env: Record<string, string>, dataDir?: string): Promise<SyncProcess> {
    const server = await startSyncProcess({ env, dataDir })
    servers.push(server)
    return server
  }

  /** SIGTERM; resolves with the exit and how long it took. */
  async function terminate(server: SyncProcess) {
    const started = performance.now()
    const exit = await stopSyncProcess(server, 'SIGTERM')
    return { exit, ms: performance.now() - started }
  }

  it('under write load: exits 0 in time, closes clients with 1001, keeps acked and relayed markers', async () => {
    const env = { ...(await backendEnv()), SYNC_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) }
    const server = await start(env)
    // The first close of each observer (its reconnect attempts then fail with 1006).
    const observerCloses = new Map<string, number>()
    const observers = DOCS.map((doc) => {
      const observer = connectProvider(server.syncUrl, doc, { params: { user: 'observer' } })
      observer.provider.on('connection-close', (event) => {
        if (!observerCloses.has(doc)) observerCloses.set(doc, event?.code ?? -1)
      })
      providers.push(observer.provider)
      return { docName: doc, ...observer }
    })
    await Promise.all(observers.map((o) => waitSynced(o.provider)))
    const docWriters = await Promise.all(
      DOCS.flatMap((doc, d) =>
        [0, 1].map((w) =>
          connectWriter(server.syncUrl, doc, `d${d}w${w}`).then((writer) => ({ doc, writer })),
        ),
      ),
    )
    writers.push(...docWriters.map((w) => w.writer))
    // The load keeps writing through the shutdown, until the sockets close.
    const load = startLoad(docWriters.map((w) => w.writer))
    await waitFor(() => docWriters.every((w) => w.writer.acked() >= 50), 'writes acked', 10_000)

    const { exit, ms } = await terminate(server)
    load.stop()
    expect(exit).toEqual({ code: 0, signal: null })
    expect(ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS)
    expect(server.logs.some((line) => line.msg === 'stopped cleanly')).toBe(true)
    expect(server.logs.some((line) => String(line.msg).includes('did not flush'))).toBe(false)

    for (const { writer } of docWriters) {
      expect(await writer.client.waitForClose(), writer.name).toMatchObject({ code: 1001 })
    }
    await waitFor(() => observerCloses.size === observers.length, 'observers closed')
    expect([...observerCloses.values()]).toEqual([1001, 1001])
    for (const o of observers) o.provider.destroy()

    const restarted = await start(env, server.dataDir)
    for (const doc of DOCS) {
      const stored = await readMarkers(restarted.syncUrl, doc)
      const mine = docWriters.filter((w) => w.doc === doc).map((w) => w.writer)
      const acked = mine.flatMap((writer) => writer.ackedMarkers())
      const observer = observers.find((o) => o.docName === doc)
      const observed = [
        ...(observer ? markersOf(observer.doc) : []),
        ...mine.flatMap((writer) => writer.observedMarkers()),
      ]
      expect(acked.length).toBeGreaterThan(0)
      expect(missingFrom(stored, acked), `${doc}: acked markers lost`).toEqual([])
      expect(missingFrom(stored, observed), `${doc}: relayed markers lost`).toEqual([])
      const sent = new Set(mine.flatMap((writer) => writer.sent))
      expect(missingFrom(sent, stored), `${doc}: markers nobody sent`).toEqual([])
    }
  })

  it('flushes updates it accepted but had not committed yet', async () => {
    // A long commit window holds accepted updates in memory, unacked, when SIGTERM arrives.
    const env = { ...(await backendEnv()), SYNC_COMMIT_WINDOW_MS: '1000' }
    const server = await start(env)
    const writer = await connectWriter(server.syncUrl, DOCS[0] as string, 'pending')
    writers.push(writer)
    for (let i = 0; i < 50; i++) writer.write()
    await waitFor(
      async () => (await readMetric(server.url, 'sync_updates_in_total')) === 50,
      'updates accepted',
    )
    expect(await readMetric(server.url, 'sync_pending_bytes')).toBeGreaterThan(0)
    expect(writer.acked()).toBe(0)

    const { exit } = await terminate(server)
    expect(exit).toEqual({ code: 0, signal: null })
    expect(await writer.client.waitForClose()).toMatchObject({ code: 1001 })

    const restarted = await start(env, server.dataDir)
    const stored = await readMarkers(restarted.syncUrl, DOCS[0] as string)
    expect(missingFrom(stored, writer.sent)).toEqual([])
    expect(stored.size).toBe(50)
  })
})

beforeAll(() => {
  // Fail early with a clear message if the global setup did not provide Postgres.
  expect(inject('postgresUrl')).toMatch(/^postgres/)
})
