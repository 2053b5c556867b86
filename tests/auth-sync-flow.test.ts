// The whole access story through one embedded process, on both stores: a
// new user registers, creates a calendar and invites a second user; both
// edit the calendar doc through the sync server with sync tokens; a viewer
// cannot write; removing the second user cuts them off live.
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { afterEach, describe, expect, inject, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import { createAuthClient, type TestUser } from './utils/auth-client.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import {
  embeddedMain,
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

async function storageEnv(
  kind: 'sqlite' | 'postgres',
): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (kind === 'sqlite') return { env: { STORAGE: 'sqlite' }, drop: async () => {} }
  const serverUrl = inject('postgresUrl')
  const name = `e2e_${randomBytes(6).toString('hex')}`
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  await admin`create database ${admin(name)}`
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    env: { STORAGE: 'postgres', DATABASE_URL: url.toString() },
    async drop() {
      await admin`drop database if exists ${admin(name)} with (force)`
      await admin.end()
    },
  }
}

describe.each(['sqlite', 'postgres'] as const)('register, share, sync, revoke (%s)', (kind) => {
  let server: SyncProcess | undefined
  let drop = async () => {}
  const providers: WebsocketProvider[] = []

  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    if (server) {
      await stopSyncProcess(server)
      await removeDataDir(server)
      server = undefined
    }
    await drop()
  })

  it('lets members edit together, keeps a viewer read-only and cuts a removed member off', async () => {
    const storage = await storageEnv(kind)
    drop = storage.drop
    server = await startSyncProcess({ main: embeddedMain, env: storage.env })
    const auth = createAuthClient(server.url)
    const openapi = await fetch(`${server.url}/openapi.json`)
    expect(await openapi.json()).toMatchObject({ openapi: '3.1.0' })

    const ann = await auth.register('ann')
    const bob = await auth.register('bob')
    const cat = await auth.register('cat')
    const { calendar } = await auth.ok<{ calendar: { id: string } }>('POST', '/calendars', {
      token: ann.token,
      body: { name: 'Family weekend' },
    })
    const doc = `calendar:${calendar.id}`

    // Before joining, bob gets no token for the doc.
    const early = await auth.call('POST', '/sync-tokens', { token: bob.token, body: { doc } })
    expect(early.status).toBe(403)

    async function join(user: TestUser, role: 'editor' | 'viewer') {
      const { link } = await auth.ok<{ link: string }>(
        'POST',
        `/calendars/${calendar.id}/invites`,
        {
          token: ann.token,
          body: { username: user.username, role },
        },
      )
      const secret = new URL(link).pathname.split('/').at(-1) as string
      await auth.ok('POST', `/invites/${secret}/accept`, { token: user.token })
    }
    await join(bob, 'editor')
    await join(cat, 'viewer')

    const connect = async (user: TestUser) => {
      const token = await auth.syncToken(user, doc)
      const client = connectProvider(server?.syncUrl as string, doc, { params: { token } })
      providers.push(client.provider)
      await waitSynced(client.provider)
      return client
    }
    const annClient = await connect(ann)
    const bobClient = await connect(bob)
    const catClient = await connect(cat)

    annClient.doc.getMap('meta').set('name', 'Family weekend')
    bobClient.doc.getText('notes').insert(0, 'Bring the tent')
    await waitFor(() => bobClient.doc.getMap('meta').get('name') === 'Family weekend', 'ann → bob')
    await waitFor(() => annClient.doc.getText('notes').toString() === 'Bring the tent', 'bob → ann')
    await waitFor(() => catClient.doc.getText('notes').toString() === 'Bring the tent', 'bob → cat')

    // The viewer's edit stays on the viewer's replica; a later edit by ann
    // arrives everywhere, and the viewer's never does.
    catClient.doc.getMap('meta').set('hijacked', true)
    annClient.doc.getMap('meta').set('after', 1)
    await waitFor(() => bobClient.doc.getMap('meta').get('after') === 1, 'ann → bob after cat')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(bobClient.doc.getMap('meta').has('hijacked')).toBe(false)
    expect(annClient.doc.getMap('meta').has('hijacked')).toBe(false)

    // Removing bob closes his live connection within 2 s (4403) and his
    // later edits reach no one; he gets no new token.
    const closed: number[] = []
    bobClient.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event) closed.push(event.code)
    })
    const removedAt = Date.now()
    await auth.ok('DELETE', `/calendars/${calendar.id}/members/${bob.id}`, { token: ann.token })
    await waitFor(() => closed.includes(4403), 'bob cut off', 2_000)
    expect(Date.now() - removedAt).toBeLessThan(2_000)
    bobClient.doc.getMap('meta').set('bob-after-removal', true)
    annClient.doc.getMap('meta').set('after', 2)
    await waitFor(() => catClient.doc.getMap('meta').get('after') === 2, 'ann → cat after removal')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(annClient.doc.getMap('meta').has('bob-after-removal')).toBe(false)
    const late = await auth.call('POST', '/sync-tokens', { token: bob.token, body: { doc } })
    expect(late.status).toBe(403)
  })
})
