// Cluster mode as separate processes: the auth API and a sync server share
// nothing but Redis and the auth API's public key set. Tokens verify offline
// on the sync server, removing a member closes their live connection through
// Redis within 2 s, and the periodic recheck reaches the auth API over HTTP.
import path from 'node:path'
import { CloseCode } from '@plansync/protocol'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, inject, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import { createAuthClient } from './utils/auth-client.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import {
  authApiMain,
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

const secret = 'cluster-test-internal-secret-0123456789'

describe('auth API and sync server as separate processes over Redis', () => {
  const processes: SyncProcess[] = []
  const providers: WebsocketProvider[] = []

  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    for (const child of processes.splice(0).reverse()) {
      await stopSyncProcess(child)
      await removeDataDir(child)
    }
  })

  it('enforces tokens and revokes live access across processes', async () => {
    const redisUrl = inject('redisUrl')
    const authApi = await startSyncProcess({
      main: authApiMain,
      env: {
        AUTH_HOST: '127.0.0.1',
        AUTH_PORT: '0',
        AUTH_INTERNAL_SECRET: secret,
        REDIS_URL: redisUrl,
      },
    })
    processes.push(authApi)
    const sync = await startSyncProcess({
      env: {
        SYNC_INSECURE_DEV_AUTH: 'false',
        SYNC_TOKEN_JWKS_URL: `${authApi.url}/auth/.well-known/jwks.json`,
        SYNC_AUTH_URL: authApi.url,
        SYNC_INTERNAL_SECRET: secret,
        SYNC_ACCESS_RECHECK_MS: '1000',
        REDIS_URL: redisUrl,
      },
    })
    processes.push(sync)

    const auth = createAuthClient(authApi.url)
    const ann = await auth.register('ann')
    const bob = await auth.register('bob')
    const { calendar } = await auth.ok<{ calendar: { id: string; doc: string } }>(
      'POST',
      '/calendars',
      {
        token: ann.token,
        body: { name: 'Team' },
      },
    )
    const { link } = await auth.ok<{ link: string }>('POST', `/calendars/${calendar.id}/invites`, {
      token: ann.token,
      body: { username: 'bob', role: 'editor' },
    })
    await auth.ok('POST', `/invites/${link.split('/invite/')[1]}/accept`, { token: bob.token })

    const join = async (user: typeof ann) => {
      const token = await auth.syncToken(user, calendar.doc)
      const client = connectProvider(sync.syncUrl, calendar.doc, { params: { token } })
      providers.push(client.provider)
      const closes: number[] = []
      client.provider.on('connection-close', (event: CloseEvent | null) => {
        if (event) closes.push(event.code)
      })
      await waitSynced(client.provider)
      return { ...client, closes }
    }
    const annClient = await join(ann)
    const bobClient = await join(bob)
    bobClient.doc.getText('notes').insert(0, 'from bob')
    await waitFor(() => annClient.doc.getText('notes').toString() === 'from bob', 'bob → ann')

    const removedAt = Date.now()
    await auth.ok('DELETE', `/calendars/${calendar.id}/members/${bob.id}`, { token: ann.token })
    await waitFor(
      () => bobClient.closes.includes(CloseCode.forbidden),
      'bob closed via Redis',
      2_000,
    )
    expect(Date.now() - removedAt).toBeLessThan(2_000)
    expect(annClient.closes).toEqual([])
    // The change also arrives over Redis (the recheck may have closed bob a moment earlier).
    const applied = () => sync.logs.filter((line) => line.msg === 'access change applied')
    await waitFor(() => applied().length > 0, 'the access change over Redis', 3_000)
    expect(applied()).toHaveLength(1)

    // A change no message announced (as if it were lost): the periodic
    // recheck asks the auth API over HTTP and closes the connection.
    const db = new Database(path.join(authApi.dataDir, 'auth.sqlite'))
    db.prepare('delete from memberships where user_id = ?').run(ann.id)
    db.close()
    await waitFor(
      () => annClient.closes.includes(CloseCode.forbidden),
      'ann closed by the recheck',
      5_000,
    )
  })
})
