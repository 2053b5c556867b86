// Replay after revocation: a token issued up to a 'user' or 'doc' access
// change is refused at upgrade (4401 / 4403, no sync step 1, no doc load),
// a token issued after it passes, and a change that lands while the doc is
// still loading for a connection is not missed.
import {
  ACCESS_CHANGES_CHANNEL,
  type AccessChange,
  CloseCode,
  encodeAccessChange,
} from '@plansync/protocol'
import { createMemoryPubSub, type PubSub } from '@plansync/pubsub'
import { createSyncTokenVerifier, type DocStore } from '@plansync/sync-server'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type InProcessServer, startInProcessServer } from './utils/in-process-server.ts'
import { connectRaw, type RawClient } from './utils/raw-client.ts'
import { createTokenMinter, type TokenMinter } from './utils/token-keys.ts'
import { waitFor } from './utils/wait.ts'

const doc = 'calendar:family'
let minter: TokenMinter
let pubsub: PubSub
let server: InProcessServer
const loads: string[] = []
/** While set, doc loads wait for it (a slow storage). */
let loadGate: Promise<void> | undefined

beforeAll(async () => {
  minter = await createTokenMinter()
})

afterEach(async () => {
  await server?.close()
  await pubsub?.close()
  loads.length = 0
  loadGate = undefined
})

async function start() {
  pubsub = createMemoryPubSub()
  server = await startInProcessServer({
    verifier: createSyncTokenVerifier({ jwks: minter.jwks }),
    pubsub,
    wrapStore: (store: DocStore): DocStore => ({
      ...store,
      load: async (name) => {
        loads.push(name)
        await loadGate
        return store.load(name)
      },
    }),
  })
}

const publish = (change: AccessChange) =>
  pubsub.publish(ACCESS_CHANGES_CHANNEL, encodeAccessChange(change))

const open = (token: string, docName = doc) =>
  connectRaw(`${server.syncUrl}/${docName}?token=${token}`)

async function refusedAtUpgrade(client: RawClient): Promise<number> {
  const { code } = await client.waitForClose()
  expect(client.frames).toEqual([])
  return code
}

async function accepted(client: RawClient): Promise<void> {
  await client.waitForFrame((frame) => frame.type === 'sync-step1', 'sync step 1')
  expect(client.closed).toBeUndefined()
  await client.close()
}

describe('replay after revocation', () => {
  it('refuses tokens issued up to a sign-out everywhere with 4401, on every doc', async () => {
    await start()
    const before = await minter.mint({ userId: 'bob', doc, role: 'editor' })
    const otherDoc = await minter.mint({ userId: 'bob', doc: 'event:party', role: 'viewer' })
    const at = Date.now()
    await publish({ kind: 'user', userId: 'bob', at })
    expect(await refusedAtUpgrade(await open(before))).toBe(CloseCode.unauthorized)
    expect(await refusedAtUpgrade(await open(otherDoc, 'event:party'))).toBe(CloseCode.unauthorized)
    expect(loads).toEqual([])
    // iat has millisecond precision: a new sign-in one millisecond later passes.
    const after = await minter.mint(
      { userId: 'bob', doc, role: 'editor' },
      { issuedAt: (at + 1) / 1000 },
    )
    await accepted(await open(after))
    const ann = await minter.mint({ userId: 'ann', doc, role: 'editor' })
    await accepted(await open(ann))
  })

  it('refuses tokens for a deleted doc with 4403, for everyone', async () => {
    await start()
    const ann = await minter.mint({ userId: 'ann', doc, role: 'owner' })
    const other = await minter.mint({ userId: 'ann', doc: 'calendar:work', role: 'owner' })
    await publish({ kind: 'doc', docs: [doc], at: Date.now() })
    expect(await refusedAtUpgrade(await open(ann))).toBe(CloseCode.forbidden)
    expect(loads).toEqual([])
    await accepted(await open(other, 'calendar:work'))
  })

  it('closes a connection whose access was removed while its doc was loading', async () => {
    await start()
    let openGate = () => {}
    loadGate = new Promise((resolve) => {
      openGate = resolve
    })
    const token = await minter.mint({ userId: 'bob', doc, role: 'editor' })
    const pending = open(token)
    // The token passed the verifier; the doc is loading.
    await waitFor(() => loads.length === 1, 'the doc load to start')
    await publish({ kind: 'member', userId: 'bob', docs: [doc], role: null, at: Date.now() })
    openGate()
    const bob = await pending
    expect(await refusedAtUpgrade(bob)).toBe(CloseCode.forbidden)
    expect(server.server.engine.registry.get(doc)).toBeUndefined()
  })
})
