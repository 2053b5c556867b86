// Who may open a socket: the verifier runs before any doc loads and its
// refusals are named close codes (4401, 4403); without a configured verifier
// everyone is refused; a browser Origin outside the allowlist (and not the
// server's own host) never gets a socket (HTTP 403); a wrong path is a 404.

import { CloseCode } from '@plansync/protocol'
import {
  createDenyAllVerifier,
  type DocStore,
  SyncError,
  type TokenVerifier,
} from '@plansync/sync-server'
import { afterEach, describe, expect, it } from 'vitest'
import { type InProcessServer, startInProcessServer } from './utils/in-process-server.ts'
import { readMetric } from './utils/markers.ts'
import { connectRaw, type RawClient } from './utils/raw-client.ts'
import {
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'

const servers: InProcessServer[] = []
const clients: RawClient[] = []
let child: SyncProcess | undefined

afterEach(async () => {
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

async function connect(url: string, origin?: string): Promise<RawClient> {
  const client = await connectRaw(url, origin ? { origin } : {})
  clients.push(client)
  return client
}

/** Opened and attached: the server's sync step 1 arrives and nothing closes. */
async function expectAccepted(client: RawClient): Promise<void> {
  await client.waitForFrame((frame) => frame.type === 'sync-step1', 'server sync step 1')
  expect(client.closed).toBeUndefined()
}

/** A store whose loads are counted and logged into `events`. */
function countingLoads(events: string[]) {
  return (store: DocStore): DocStore => ({
    ...store,
    load: (name) => {
      events.push(`load ${name}`)
      return store.load(name)
    },
  })
}

describe('token verification', () => {
  it('with the deny-all verifier closes every connection with 4401 and loads no doc', async () => {
    const events: string[] = []
    const { url, syncUrl } = await start({
      verifier: createDenyAllVerifier(),
      wrapStore: countingLoads(events),
    })
    for (const docName of ['calendar:a', 'event:b', 'user:c:inbox']) {
      const client = await connect(`${syncUrl}/${docName}?user=ann&role=owner&token=anything`)
      expect((await client.waitForClose()).code).toBe(CloseCode.unauthorized)
    }
    expect(events).toEqual([])
    expect(await readMetric(url, 'sync_doc_loads_total')).toBe(0)
    expect(await readMetric(url, 'sync_loaded_docs')).toBe(0)
  })

  it('with the insecure dev verifier accepts, and still refuses a malformed user (4401)', async () => {
    const { syncUrl } = await start()
    await expectAccepted(await connect(`${syncUrl}/calendar:a?user=ann`))
    const bad = await connect(`${syncUrl}/calendar:a?user=${encodeURIComponent('<script>')}`)
    expect((await bad.waitForClose()).code).toBe(CloseCode.unauthorized)
  })

  it('refuses everyone (4401) in the real process started without SYNC_INSECURE_DEV_AUTH', async () => {
    // An undefined value removes the variable that startSyncProcess sets by default.
    child = await startSyncProcess({
      env: { SYNC_INSECURE_DEV_AUTH: undefined as unknown as string },
    })
    const client = await connect(`${child.syncUrl}/calendar:a?user=ann`)
    expect((await client.waitForClose()).code).toBe(CloseCode.unauthorized)
    expect(await readMetric(child.url, 'sync_doc_loads_total')).toBe(0)
    expect(
      child.logs.some((line) => /every connection will be refused/.test(String(line.msg))),
    ).toBe(true)
  })

  it('closes with 4403 when the verifier answers forbidden, loading nothing', async () => {
    const events: string[] = []
    const verifier: TokenVerifier = {
      async verify({ docName }) {
        throw new SyncError('forbidden', `no access to ${docName}`)
      },
    }
    const { url, syncUrl } = await start({ verifier, wrapStore: countingLoads(events) })
    const client = await connect(`${syncUrl}/calendar:secret`)
    const closed = await client.waitForClose()
    expect(closed.code).toBe(CloseCode.forbidden)
    expect(closed.reason).toContain('no access')
    expect(events).toEqual([])
    expect(await readMetric(url, 'sync_doc_loads_total')).toBe(0)
  })

  it('runs the verifier before the doc loads, with the doc name, token and params', async () => {
    const events: string[] = []
    const verifier: TokenVerifier = {
      async verify({ docName, token, params }) {
        events.push(`verify ${docName} token=${token} user=${params.get('user')}`)
        // Slow on purpose: a load started in parallel would show up first.
        await new Promise((resolve) => setTimeout(resolve, 50))
        events.push(`verified ${docName}`)
        if (token !== 'good') throw new SyncError('unauthorized', 'bad token')
        return { userId: 'ann', role: 'editor' }
      },
    }
    const { syncUrl } = await start({ verifier, wrapStore: countingLoads(events) })
    const refused = await connect(`${syncUrl}/calendar:a?token=bad&user=ann`)
    expect((await refused.waitForClose()).code).toBe(CloseCode.unauthorized)
    await expectAccepted(await connect(`${syncUrl}/calendar%3Ab?token=good&user=ann`))
    expect(events).toEqual([
      'verify calendar:a token=bad user=ann',
      'verified calendar:a',
      'verify calendar:b token=good user=ann',
      'verified calendar:b',
      'load calendar:b',
    ])
  })
})

describe('Origin allowlist and path', () => {
  const allowed = 'https://app.plansync.example'

  it('refuses a foreign browser Origin with HTTP 403 before any doc loads', async () => {
    const events: string[] = []
    const { url, syncUrl } = await start({
      allowedOrigins: [allowed],
      wrapStore: countingLoads(events),
    })
    await expect(connect(`${syncUrl}/calendar:a`, 'https://evil.example')).rejects.toThrow(
      'upgrade refused: 403',
    )
    await expect(connect(`${syncUrl}/calendar:a`, 'not a url')).rejects.toThrow(
      'upgrade refused: 403',
    )
    expect(events).toEqual([])
    expect(await readMetric(url, 'sync_doc_loads_total')).toBe(0)
  })

  it('lets an allowed Origin, the same host and a client without Origin through', async () => {
    const { url, syncUrl } = await start({ allowedOrigins: [allowed] })
    await expectAccepted(await connect(`${syncUrl}/calendar:a`, allowed))
    await expectAccepted(await connect(`${syncUrl}/calendar:a`, url)) // same host:port
    await expectAccepted(await connect(`${syncUrl}/calendar:a`))
  })

  it('refuses an upgrade outside the sync path with HTTP 404', async () => {
    const { url } = await start()
    const ws = url.replace(/^http/, 'ws')
    await expect(connect(`${ws}/elsewhere/calendar:a`)).rejects.toThrow('upgrade refused: 404')
    await expect(connect(`${ws}/sync`)).rejects.toThrow('upgrade refused: 404')
  })
})
