// Roles and revocation enforced by the sync server with signed tokens:
// a viewer reads but never writes, identity in awareness comes from the
// token, access changes close or demote live connections at once, older
// tokens cannot be replayed, and the periodic recheck catches what a lost
// message missed.

import {
  ACCESS_CHANGES_CHANNEL,
  type AccessChange,
  CloseCode,
  encodeAccessChange,
  type Role,
} from '@plansync/protocol'
import { createMemoryPubSub, type PubSub } from '@plansync/pubsub'
import { type AccessChecker, createSyncTokenVerifier } from '@plansync/sync-server'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { type InProcessServer, startInProcessServer } from './utils/in-process-server.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import { connectRaw } from './utils/raw-client.ts'
import { createTokenMinter, type TokenMinter } from './utils/token-keys.ts'
import { waitFor } from './utils/wait.ts'

const doc = 'calendar:family'
let minter: TokenMinter
let server: InProcessServer | undefined
let pubsub: PubSub
const cleanups: Array<() => void> = []
/** Roles the fake auth API answers in the recheck; a missing user has no access. */
let currentRoles = new Map<string, Role>()
let checkerFails = false

beforeAll(async () => {
  minter = await createTokenMinter()
})

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  await server?.close()
  await pubsub?.close()
  server = undefined
})

async function start() {
  pubsub = createMemoryPubSub()
  const accessChecker: AccessChecker = {
    async check(pairs) {
      if (checkerFails) throw new Error('auth API down')
      return pairs.map(({ userId }) => currentRoles.get(userId) ?? null)
    },
  }
  server = await startInProcessServer({
    verifier: createSyncTokenVerifier({ jwks: minter.jwks }),
    pubsub,
    accessChecker,
    accessRecheckMs: 3_600_000,
  })
  return server
}

async function join(userId: string, role: Role) {
  const token = await minter.mint({ userId, doc, role })
  const client = connectProvider(server?.syncUrl as string, doc, { params: { token } })
  const closes: number[] = []
  client.provider.on('connection-close', (event: CloseEvent | null) => {
    if (event) closes.push(event.code)
  })
  cleanups.push(() => client.provider.destroy())
  await waitSynced(client.provider)
  return { ...client, token, closes }
}

const publish = (change: AccessChange) =>
  pubsub.publish(ACCESS_CHANGES_CHANNEL, encodeAccessChange(change))

async function storedDoc(s: InProcessServer): Promise<Y.Doc> {
  await s.server.engine.flush()
  const stored = await s.store.load(doc)
  const ydoc = new Y.Doc()
  for (const update of [stored.snapshot, ...stored.updates]) if (update) Y.applyUpdate(ydoc, update)
  return ydoc
}

describe('sync tokens and roles', () => {
  it('refuses connections without a valid token for this doc and loads nothing', async () => {
    const s = await start()
    const noToken = await connectRaw(`${s.syncUrl}/${doc}`)
    expect((await noToken.waitForClose()).code).toBe(CloseCode.unauthorized)
    const otherDoc = await minter.mint({ userId: 'ann', doc: 'calendar:other', role: 'owner' })
    const swapped = await connectRaw(`${s.syncUrl}/${doc}?token=${otherDoc}`)
    expect((await swapped.waitForClose()).code).toBe(CloseCode.forbidden)
    const loads = await s.server.metrics.docLoads.get()
    expect(loads.values[0]?.value ?? 0).toBe(0)
  })

  it('keeps a viewer current but never stores or relays its edits', async () => {
    const s = await start()
    const ann = await join('ann', 'editor')
    const cat = await join('cat', 'viewer')
    cat.doc.getMap('meta').set('hijacked', true)
    ann.doc.getMap('meta').set('name', 'Family')
    await waitFor(() => cat.doc.getMap('meta').get('name') === 'Family', 'editor → viewer')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(ann.doc.getMap('meta').has('hijacked')).toBe(false)
    const stored = await storedDoc(s)
    expect(stored.getMap('meta').get('name')).toBe('Family')
    expect(stored.getMap('meta').has('hijacked')).toBe(false)
    const dropped = await s.server.metrics.droppedUpdates.get()
    expect(dropped.values[0]?.value).toBeGreaterThan(0)
  })

  it('stamps awareness with the token user and drops a forged identity', async () => {
    await start()
    const ann = await join('ann', 'editor')
    const cat = await join('cat', 'viewer')
    const catAtAnn = () =>
      ann.provider.awareness.getStates().get(cat.doc.clientID) as
        | { user?: Record<string, unknown>; typing?: boolean }
        | undefined
    cat.provider.awareness.setLocalState({ user: { name: 'Cat', colour: '#0a0' }, typing: true })
    await waitFor(() => catAtAnn()?.typing === true, 'viewer awareness at editor')
    expect(catAtAnn()?.user).toEqual({ id: 'cat', name: 'Cat', colour: '#0a0' })
    cat.provider.awareness.setLocalState({ user: { id: 'ann', name: 'Ann' }, typing: false })
    ann.provider.awareness.setLocalStateField('typing', 'marker')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(catAtAnn()?.user).toEqual({ id: 'cat', name: 'Cat', colour: '#0a0' })
    expect(catAtAnn()?.typing).toBe(true)
  })

  it('closes a removed member within 2 s and refuses the token it held', async () => {
    const s = await start()
    const ann = await join('ann', 'owner')
    const bob = await join('bob', 'editor')
    const removedAt = Date.now()
    await publish({ kind: 'member', userId: 'bob', docs: [doc], role: null, at: Date.now() })
    await waitFor(() => bob.closes.includes(CloseCode.forbidden), 'bob closed with 4403', 2_000)
    expect(Date.now() - removedAt).toBeLessThan(2_000)
    expect(ann.closes).toEqual([])
    bob.provider.destroy()
    const replay = await connectRaw(`${s.syncUrl}/${doc}?token=${bob.token}`)
    expect((await replay.waitForClose()).code).toBe(CloseCode.forbidden)
  })

  it('demotes an editor in place and caps its older token', async () => {
    const s = await start()
    const ann = await join('ann', 'owner')
    const bob = await join('bob', 'editor')
    bob.doc.getMap('meta').set('before', 1)
    await waitFor(() => ann.doc.getMap('meta').get('before') === 1, 'editor write')
    await publish({ kind: 'member', userId: 'bob', docs: [doc], role: 'viewer', at: Date.now() })
    await new Promise((resolve) => setTimeout(resolve, 100))
    bob.doc.getMap('meta').set('after', 1)
    ann.doc.getMap('meta').set('sentinel', 1)
    await waitFor(() => bob.doc.getMap('meta').get('sentinel') === 1, 'owner → demoted bob')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(ann.doc.getMap('meta').has('after')).toBe(false)
    expect(bob.closes).toEqual([])
    // Reconnecting with the old editor token gives only viewer rights.
    const again = connectProvider(s.syncUrl, doc, { params: { token: bob.token } })
    cleanups.push(() => again.provider.destroy())
    await waitSynced(again.provider)
    again.doc.getMap('meta').set('replayed', 1)
    ann.doc.getMap('meta').set('sentinel', 2)
    await waitFor(() => again.doc.getMap('meta').get('sentinel') === 2, 'owner → replayed bob')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(ann.doc.getMap('meta').has('replayed')).toBe(false)
  })

  it('closes every connection of a user signed out everywhere (4401), and of a deleted doc (4403)', async () => {
    await start()
    const bob = await join('bob', 'editor')
    const cat = await join('cat', 'viewer')
    await publish({ kind: 'user', userId: 'bob', at: Date.now() })
    await waitFor(() => bob.closes.includes(CloseCode.unauthorized), 'bob closed with 4401', 2_000)
    expect(cat.closes).toEqual([])
    await publish({ kind: 'doc', docs: [doc], at: Date.now() })
    await waitFor(() => cat.closes.includes(CloseCode.forbidden), 'cat closed with 4403', 2_000)
  })

  it('ignores malformed access-change messages', async () => {
    await start()
    const ann = await join('ann', 'owner')
    for (const junk of [
      '',
      '{',
      'null',
      '{"kind":"user"}',
      '{"kind":"member","userId":"ann","docs":"x","role":null,"at":1}',
    ]) {
      await pubsub.publish(ACCESS_CHANGES_CHANNEL, junk)
    }
    ann.doc.getMap('meta').set('still', 'here')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(ann.closes).toEqual([])
  })

  it('the periodic recheck closes what a lost message missed, and keeps access when the auth API is down', async () => {
    const s = await start()
    currentRoles = new Map([
      ['ann', 'owner'],
      ['bob', 'editor'],
    ])
    const ann = await join('ann', 'owner')
    const bob = await join('bob', 'editor')
    checkerFails = true
    await s.server.recheckAccess()
    expect(bob.closes).toEqual([])
    const failures = await s.server.metrics.accessRecheckFailures.get()
    expect(failures.values[0]?.value).toBe(1)
    checkerFails = false
    currentRoles.delete('bob')
    await s.server.recheckAccess()
    await waitFor(() => bob.closes.includes(CloseCode.forbidden), 'bob closed by recheck', 2_000)
    expect(ann.closes).toEqual([])
  })
})
