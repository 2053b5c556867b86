// Sync tokens end to end on the real sync-server process, configured only
// through SYNC_TOKEN_PUBLIC_KEY (an SPKI PEM, line breaks written as \n as
// in an env file). The test holds the Ed25519 private key and signs tokens
// as the auth API would. Refused upgrades load nothing; a viewer reads but
// its edit reaches neither the editor nor storage (proved after a restart);
// awareness arrives stamped with the token's user and forgeries are dropped.
import { randomUUID } from 'node:crypto'
import { CloseCode, type Role, SYNC_TOKEN_AUDIENCE, SYNC_TOKEN_ISSUER } from '@plansync/protocol'
import { type CryptoKey, exportSPKI, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectProvider, waitSynced } from './utils/providers.ts'
import { connectRaw } from './utils/raw-client.ts'
import {
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

const doc = 'calendar:family'
let privateKey: CryptoKey
let env: Record<string, string>
let server: SyncProcess
const cleanups: Array<() => void> = []

function sign(userId: string, role: Role, docName = doc, key = privateKey): Promise<string> {
  return new SignJWT({ sub: userId, doc: docName, role, jti: randomUUID(), iat: Date.now() / 1000 })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: 'k1' })
    .setIssuer(SYNC_TOKEN_ISSUER)
    .setAudience(SYNC_TOKEN_AUDIENCE)
    .setExpirationTime('5m')
    .sign(key)
}

async function join(userId: string, role: Role) {
  const token = await sign(userId, role)
  const client = connectProvider(server.syncUrl, doc, { params: { token } })
  cleanups.push(() => client.provider.destroy())
  return client
}

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  privateKey = pair.privateKey
  const pem = (await exportSPKI(pair.publicKey)).trim().replaceAll('\n', '\\n')
  env = { SYNC_TOKEN_PUBLIC_KEY: pem, SYNC_INSECURE_DEV_AUTH: 'false' }
  server = await startSyncProcess({ env })
})

afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  await stopSyncProcess(server)
  await removeDataDir(server)
})

describe('sync tokens on the real process', () => {
  it('refuses missing, forged and other-doc tokens with 4401 / 4403 and loads nothing', async () => {
    const stranger = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })).privateKey
    const valid = await sign('ann', 'owner')
    const [header, , signature] = valid.split('.')
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const cases: Array<[string, number]> = [
      ['', CloseCode.unauthorized],
      ['?token=garbage', CloseCode.unauthorized],
      [`?token=${await sign('ann', 'owner', doc, stranger)}`, CloseCode.unauthorized],
      [`?token=${header}.${b64({ sub: 'eve', doc, role: 'owner' })}.${signature}`, 4401],
      [`?token=${b64({ alg: 'none' })}.${valid.split('.')[1]}.`, CloseCode.unauthorized],
      [`?token=${await sign('ann', 'owner', 'calendar:other')}`, CloseCode.forbidden],
      [`?user=ann&role=owner`, CloseCode.unauthorized],
    ]
    for (const [query, code] of cases) {
      const client = await connectRaw(`${server.syncUrl}/${doc}${query}`)
      expect((await client.waitForClose()).code, query).toBe(code)
      expect(client.frames, query).toEqual([])
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toMatch(/^sync_doc_loads_total 0$/m)
  })

  it('lets a viewer read but never write, and stamps awareness from the token', async () => {
    const ann = await join('ann', 'editor')
    const cat = await join('cat', 'viewer')
    await Promise.all([waitSynced(ann.provider), waitSynced(cat.provider)])
    const seenAtAnn: Array<Record<string, unknown>> = []
    ann.provider.awareness.on('change', () => {
      const state = ann.provider.awareness.getStates().get(cat.doc.clientID)
      if (state?.user) seenAtAnn.push(state.user)
    })

    cat.provider.awareness.setLocalState({ user: { id: 'ann', name: 'Ann (not)' } })
    cat.doc.getMap('meta').set('hijacked', true)
    ann.doc.getMap('meta').set('name', 'Family')
    await waitFor(() => cat.doc.getMap('meta').get('name') === 'Family', 'editor → viewer')
    cat.provider.awareness.setLocalState({ user: { name: 'Cat', colour: '#0a0', admin: true } })
    await waitFor(
      () => seenAtAnn.some((user) => user.name === 'Cat'),
      'the viewer’s awareness at the editor',
    )
    // Every state the editor saw was the token's user; the forged one never arrived.
    expect(seenAtAnn.every((user) => user.id === 'cat' && user.name !== 'Ann (not)')).toBe(true)
    expect(seenAtAnn.at(-1)).toEqual({ id: 'cat', name: 'Cat', colour: '#0a0' })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(ann.doc.getMap('meta').has('hijacked')).toBe(false)
    await waitFor(
      () => server.logs.some((line) => line.msg === 'dropped awareness claiming another user'),
      'the forgery logged',
    )
  })

  it('keeps the viewer’s edit out of storage (the doc after a restart)', async () => {
    for (const cleanup of cleanups.splice(0)) cleanup()
    const { code } = await stopSyncProcess(server)
    expect(code).toBe(0)
    server = await startSyncProcess({ env, dataDir: server.dataDir })
    const reader = await join('dan', 'viewer')
    await waitSynced(reader.provider)
    expect(reader.doc.getMap('meta').toJSON()).toEqual({ name: 'Family' })
  })
})
