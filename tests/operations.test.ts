// What an operator sees: liveness, readiness that follows storage, Prometheus
// metrics that move with real traffic, JSON 404s, and pino JSON logs whose
// connection-scoped lines carry the connection id.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import { type InProcessServer, startInProcessServer } from './utils/in-process-server.ts'
import { encodeSync, readMetric } from './utils/markers.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import { connectRaw, type RawClient } from './utils/raw-client.ts'
import {
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

const metricsSource = path.resolve(import.meta.dirname, '../packages/sync-server/src/metrics.ts')

const servers: InProcessServer[] = []
const providers: WebsocketProvider[] = []
const clients: RawClient[] = []
let child: SyncProcess | undefined

afterEach(async () => {
  for (const provider of providers.splice(0)) provider.destroy()
  for (const client of clients.splice(0)) client.ws.terminate()
  for (const server of servers.splice(0)) await server.close()
  if (child) {
    await stopSyncProcess(child, 'SIGKILL')
    await removeDataDir(child)
    child = undefined
  }
})

async function start(options: Parameters<typeof startInProcessServer>[0] = {}) {
  const server = await startInProcessServer(options)
  servers.push(server)
  return server
}

async function getJson(url: string): Promise<{ status: number; type: string; body: unknown }> {
  const response = await fetch(url)
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.json(),
  }
}

describe('health and readiness', () => {
  it('answers /healthz and /readyz with 200 while storage is up', async () => {
    const { url } = await start()
    expect(await getJson(`${url}/healthz`)).toEqual({
      status: 200,
      type: 'application/json',
      body: { status: 'ok' },
    })
    expect(await getJson(`${url}/readyz`)).toMatchObject({
      status: 200,
      body: { status: 'ready', storage: 'sqlite' },
    })
  })

  it('answers /readyz with 503 when the store pings fail, /healthz stays 200', async () => {
    const { url } = await start({
      wrapStore: (store) => ({ ...store, ping: () => Promise.reject(new Error('unreachable')) }),
    })
    expect(await getJson(`${url}/readyz`)).toMatchObject({
      status: 503,
      body: { status: 'storage unreachable', storage: 'sqlite' },
    })
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
  })

  it('answers /readyz with 503 once the store is closed', async () => {
    const { url, store } = await start()
    expect((await fetch(`${url}/readyz`)).status).toBe(200)
    await store.close()
    expect(await getJson(`${url}/readyz`)).toMatchObject({
      status: 503,
      body: { status: 'storage unreachable' },
    })
  })

  it('answers an unknown path with a JSON 404', async () => {
    const { url } = await start()
    expect(await getJson(`${url}/nope?x=1`)).toEqual({
      status: 404,
      type: 'application/json',
      body: { error: { code: 'not_found', message: 'not found' } },
    })
  })
})

describe('metrics', () => {
  it('exposes every metric of metrics.ts in Prometheus text format', async () => {
    const source = await readFile(metricsSource, 'utf8')
    const names = [...source.matchAll(/name: '([a-z_]+)'/g)].map((match) => match[1] as string)
    expect(names.length).toBeGreaterThanOrEqual(15)
    const { url } = await start()
    const response = await fetch(`${url}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    for (const name of [...names, 'nodejs_eventloop_lag_seconds', 'process_cpu_seconds_total']) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} (counter|gauge|histogram|summary)$`, 'm'))
    }
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m)
  })

  it('counts open connections and a relayed edit, and times the commit', async () => {
    const { url, syncUrl } = await start()
    const raw = await connectRaw(`${syncUrl}/calendar:ops?user=raw`)
    clients.push(raw)
    expect(await readMetric(url, 'sync_connections')).toBe(1)
    expect(await readMetric(url, 'sync_loaded_docs')).toBe(1)
    await raw.close()
    await waitFor(async () => (await readMetric(url, 'sync_connections')) === 0, 'connection gone')

    const a = connectProvider(syncUrl, 'calendar:ops', { params: { user: 'ann' } })
    const b = connectProvider(syncUrl, 'calendar:ops', { params: { user: 'bob' } })
    providers.push(a.provider, b.provider)
    await Promise.all([waitSynced(a.provider), waitSynced(b.provider)])
    expect(await readMetric(url, 'sync_connections')).toBe(2)
    const before = {
      in: await readMetric(url, 'sync_updates_in_total'),
      out: await readMetric(url, 'sync_updates_out_total'),
      persisted: await readMetric(url, 'sync_persist_seconds_count'),
    }
    a.doc.getMap('meta').set('name', 'Ops')
    await waitFor(() => b.doc.getMap('meta').get('name') === 'Ops', 'edit relayed to B')
    expect(await readMetric(url, 'sync_updates_in_total')).toBe(before.in + 1)
    expect(await readMetric(url, 'sync_updates_out_total')).toBe(before.out + 1)
    expect(await readMetric(url, 'sync_persist_seconds_count')).toBeGreaterThan(before.persisted)
    expect(await readMetric(url, 'sync_persist_seconds_sum')).toBeGreaterThan(0)
    expect(await readMetric(url, 'sync_bytes_in_total')).toBeGreaterThan(0)
    expect(await readMetric(url, 'sync_bytes_out_total')).toBeGreaterThan(0)
  })
})

describe('logs of the real process', () => {
  it('are pino JSON lines, connection-scoped ones with a conn id', async () => {
    child = await startSyncProcess({ env: { LOG_LEVEL: 'debug' } })
    const raw: string[] = []
    child.child.stdout?.on('data', (chunk: Buffer) => raw.push(chunk.toString()))
    const seen = child.logs.length

    const provider = connectProvider(child.syncUrl, 'calendar:logs', { params: { user: 'ann' } })
    providers.push(provider.provider)
    await waitSynced(provider.provider)
    const bad = await connectRaw(`${child.syncUrl}/calendar:logs?user=mallory`)
    clients.push(bad)
    bad.send(encodeSync(7, new Uint8Array()))
    expect((await bad.waitForClose()).code).toBe(1002)
    await waitFor(
      () => child?.logs.some((line) => line.msg === 'closing connection') ?? false,
      'closing log line',
    )

    // Everything the process printed since is one JSON object per line.
    const lines = raw.join('').split('\n').filter(Boolean)
    expect(lines.length).toBeGreaterThan(0)
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow()

    const logs = child.logs.slice(seen)
    for (const line of child.logs) {
      expect(line.service).toBe('sync-server')
      expect(typeof line.level).toBe('number')
      expect(typeof line.time).toBe('number')
      expect(typeof line.msg).toBe('string')
    }
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
    const scoped = ['connection accepted', 'rejected message', 'closing connection']
    for (const msg of scoped) {
      const line = logs.find((entry) => entry.msg === msg)
      expect(line, msg).toBeDefined()
      expect(line?.conn).toMatch(uuid)
      expect(line?.doc).toBe('calendar:logs')
    }
    // The rejected message and its close are the bad client's, not the provider's.
    const rejected = logs.find((entry) => entry.msg === 'rejected message')
    const closing = logs.find((entry) => entry.msg === 'closing connection')
    expect(rejected).toMatchObject({ user: 'mallory', code: 'protocol_error' })
    expect(closing?.conn).toBe(rejected?.conn)
    const accepted = logs.filter((entry) => entry.msg === 'connection accepted')
    expect(new Set(accepted.map((entry) => entry.conn)).size).toBe(accepted.length)
    expect(child.logs.find((entry) => entry.msg === 'listening')?.conn).toBeUndefined()
  })

  it('answers an unknown path of the real process with a JSON 404', async () => {
    child = await startSyncProcess()
    expect(await getJson(`${child.url}/nope`)).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    })
  })
})
