// Bad input gets a named close code (or a documented silent drop) and
// changes nothing: for every kind of bad input, two well-behaved stock
// clients on the same doc stay connected and keep syncing, and a fresh
// client afterwards reads exactly the valid edits (ARCHITECTURE invariant 5).
// The frame-level cases also run against the real server process, which
// must still answer /healthz afterwards.
import { connect, type Socket } from 'node:net'
import { CloseCode, MessageType, SyncMessageType } from '@plansync/protocol'
import type { DocStore } from '@plansync/sync-server'
import * as encoding from 'lib0/encoding'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { type InProcessServer, startInProcessServer } from './utils/in-process-server.ts'
import { createPrng, encodeSync, readDoc, readMetric } from './utils/markers.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import { connectRaw, type RawClient } from './utils/raw-client.ts'
import {
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

const MAX_MESSAGE_BYTES = 64 * 1024
const MAX_AWARENESS_BYTES = 4 * 1024

const providers: WebsocketProvider[] = []
const clients: RawClient[] = []
const servers: InProcessServer[] = []

afterEach(async () => {
  for (const provider of providers.splice(0)) provider.destroy()
  for (const client of clients.splice(0)) client.ws.terminate()
  for (const server of servers.splice(0)) await server.close()
})

// --- frames --------------------------------------------------------------

/** The update a fresh Y.Doc produces for `edit` (root `evil`: must never reach the doc). */
function updateOf(edit: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  edit(doc)
  return Y.encodeStateAsUpdate(doc)
}

const evilUpdate = () => updateOf((doc) => doc.getMap('evil').set('pwned', true))

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
}

interface AwarenessEntry {
  clientId: number
  clock: number
  /** The raw JSON text of the state, as on the wire. */
  json: string
}

function awarenessFrame(entries: AwarenessEntry[]): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(inner, entry.clientId)
    encoding.writeVarUint(inner, entry.clock)
    encoding.writeVarString(inner, entry.json)
  }
  const outer = encoding.createEncoder()
  encoding.writeVarUint(outer, MessageType.awareness)
  encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner))
  return encoding.toUint8Array(outer)
}

/** One string item of a hand-made update: its origin, or else a root parent. */
interface HandStruct {
  text: string
  origin?: { client: number; clock: number }
}

/**
 * A Yjs v1 update written by hand, for shapes no Y.Doc produces:
 *   varUint(sections) · per section: varUint(structs) varUint(client) varUint(clock)
 *   · per struct: info byte (4 = string content, | 0x80 with an origin)
 *     · origin (varUint client, clock) or parent (varUint 1 · varString root key)
 *     · varString(text)
 *   · varUint(0) (empty delete set)
 */
function handUpdate(sections: Array<{ client: number; clock: number; structs: HandStruct[] }>) {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, sections.length)
  for (const { client, clock, structs } of sections) {
    encoding.writeVarUint(encoder, structs.length)
    encoding.writeVarUint(encoder, client)
    encoding.writeVarUint(encoder, clock)
    for (const struct of structs) {
      encoding.writeUint8(encoder, struct.origin ? 0x84 : 0x04)
      if (struct.origin) {
        encoding.writeVarUint(encoder, struct.origin.client)
        encoding.writeVarUint(encoder, struct.origin.clock)
      } else {
        encoding.writeVarUint(encoder, 1)
        encoding.writeVarString(encoder, 'evil')
      }
      encoding.writeVarString(encoder, struct.text)
    }
  }
  encoding.writeVarUint(encoder, 0)
  return encoding.toUint8Array(encoder)
}

/** What a stock client makes of an update on its own: pending structs, or a throw. */
function applyAlone(update: Uint8Array): 'pending' | 'throws' | 'ok' {
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, update)
  } catch {
    return 'throws'
  }
  return doc.store.pendingStructs || doc.store.pendingDs ? 'pending' : 'ok'
}

function nested(depth: number): unknown {
  return depth === 0 ? 'leaf' : { child: nested(depth - 1) }
}

/** 64 seeded random bytes; they open with varUint 9397 (b5 49), no message type. */
function randomBytes(): Uint8Array {
  const random = createPrng(0x5eed)
  return Uint8Array.from({ length: 64 }, () => Math.floor(random() * 256))
}

interface FrameCase {
  name: string
  frame: () => Uint8Array | string
  code: number
}

/** Cases that need no doc state: run in process and against the real process. */
const frameCases: FrameCase[] = [
  { name: 'a text frame', frame: () => 'hello', code: CloseCode.unsupportedData },
  {
    name: 'an unknown message type',
    frame: () => new Uint8Array([42, 0]),
    code: CloseCode.protocolError,
  },
  {
    name: 'an unknown sync message subtype',
    frame: () => encodeSync(7, evilUpdate()),
    code: CloseCode.protocolError,
  },
  {
    name: 'a truncated frame',
    frame: () => encodeSync(SyncMessageType.update, evilUpdate()).slice(0, -3),
    code: CloseCode.protocolError,
  },
  {
    name: 'trailing bytes after a valid update',
    frame: () => concat(encodeSync(SyncMessageType.update, evilUpdate()), new Uint8Array([0])),
    code: CloseCode.protocolError,
  },
  { name: 'random bytes', frame: randomBytes, code: CloseCode.protocolError },
  {
    name: 'an update that does not decode',
    frame: () => encodeSync(SyncMessageType.update, new Uint8Array([5, 1, 2, 3])),
    code: CloseCode.invalidUpdate,
  },
  {
    name: 'a sync step 2 that does not decode',
    frame: () => encodeSync(SyncMessageType.step2, new Uint8Array([0xff, 0xff, 0xff])),
    code: CloseCode.invalidUpdate,
  },
  {
    name: 'a state vector that does not decode (sync step 1)',
    frame: () => encodeSync(SyncMessageType.step1, new Uint8Array([5, 1])),
    code: CloseCode.protocolError,
  },
  {
    name: 'a frame over maxMessageBytes',
    frame: () =>
      encodeSync(
        SyncMessageType.update,
        updateOf((doc) => doc.getText('evil').insert(0, 'x'.repeat(MAX_MESSAGE_BYTES + 1024))),
      ),
    code: CloseCode.messageTooBig,
  },
]

// --- two well-behaved witnesses ------------------------------------------

interface Witnesses {
  writer: { doc: Y.Doc; provider: WebsocketProvider }
  watcher: { doc: Y.Doc; provider: WebsocketProvider }
  /** Close events either witness saw (must stay empty). */
  closes: number[]
}

async function openWitnesses(syncUrl: string, docName: string): Promise<Witnesses> {
  const writer = connectProvider(syncUrl, docName, { params: { user: 'writer' } })
  const watcher = connectProvider(syncUrl, docName, { params: { user: 'watcher' } })
  providers.push(writer.provider, watcher.provider)
  const closes: number[] = []
  for (const { provider } of [writer, watcher]) {
    provider.on('connection-close', (event) => closes.push(event?.code ?? -1))
  }
  await Promise.all([waitSynced(writer.provider), waitSynced(watcher.provider)])
  writer.doc.getMap('m').set('before', 'ok')
  await waitFor(() => watcher.doc.getMap('m').get('before') === 'ok', 'first edit at the watcher')
  // A state at clock 0 (the one sent on open) is not applied by receivers, so
  // set one: once relayed, the watcher surely owns its clientID at the server.
  watcher.provider.awareness.setLocalStateField('user', 'watcher')
  await waitFor(
    () => writer.provider.awareness.getStates().has(watcher.doc.clientID),
    'watcher awareness at the writer',
  )
  return { writer, watcher, closes }
}

/**
 * The witnesses are still connected and still sync a later edit, and a fresh
 * client reads exactly their edits: map `m` with `keys`, written by the writer
 * only, nothing else, no missing dependencies. With `store`, the stored bytes
 * are checked too.
 */
async function expectUndisturbed(
  w: Witnesses,
  syncUrl: string,
  docName: string,
  options: { keys?: string[]; store?: DocStore } = {},
): Promise<void> {
  w.writer.doc.getMap('m').set('after', 'ok')
  await waitFor(() => w.watcher.doc.getMap('m').get('after') === 'ok', 'later edit at the watcher')
  expect(w.closes).toEqual([])
  expect(w.writer.provider.wsconnected).toBe(true)
  expect(w.watcher.provider.wsconnected).toBe(true)
  expect([...w.watcher.doc.share.keys()]).toEqual(['m'])

  const fresh = await readDoc(syncUrl, docName)
  expect([...fresh.share.keys()]).toEqual(['m'])
  const content = fresh.getMap('m').toJSON()
  expect(Object.keys(content).sort()).toEqual((options.keys ?? ['after', 'before']).sort())
  expect(content.before).toBe('ok')
  expect(content.after).toBe('ok')
  expect([...Y.decodeStateVector(Y.encodeStateVector(fresh)).keys()]).toEqual([
    w.writer.doc.clientID,
  ])
  if (options.store) {
    const stored = await storedDoc(options.store, docName)
    expect(stored.store.pendingStructs).toBeNull()
    expect(stored.store.pendingDs).toBeNull()
    expect([...stored.share.keys()]).toEqual(['m'])
  }
}

/** The doc as storage holds it (snapshot plus log), applied to a fresh Y.Doc. */
async function storedDoc(store: DocStore, docName: string): Promise<Y.Doc> {
  const { snapshot, updates } = await store.load(docName)
  const doc = new Y.Doc()
  for (const update of snapshot ? [snapshot, ...updates] : updates) Y.applyUpdate(doc, update)
  return doc
}

async function connectBad(syncUrl: string, docName: string, query = 'user=mallory') {
  const client = await connectRaw(`${syncUrl}/${docName}?${query}`)
  clients.push(client)
  expect(client.closed).toBeUndefined()
  return client
}

async function sendAndExpectClose(
  client: RawClient,
  frame: Uint8Array | string,
  code: number,
): Promise<void> {
  client.send(frame)
  const closed = await client.waitForClose()
  expect(closed.code).toBe(code)
}

// --- in process ----------------------------------------------------------

async function start(options: Parameters<typeof startInProcessServer>[0] = {}) {
  const server = await startInProcessServer({
    maxMessageBytes: MAX_MESSAGE_BYTES,
    maxAwarenessBytes: MAX_AWARENESS_BYTES,
    ...options,
  })
  servers.push(server)
  return server
}

let docCounter = 0
const nextDoc = () => `calendar:bad-${++docCounter}`

describe('bad input (in-process server)', () => {
  for (const { name, frame, code } of frameCases) {
    it(`closes a connection that sends ${name} with ${code}, others undisturbed`, async () => {
      const { syncUrl, store } = await start()
      const docName = nextDoc()
      const w = await openWitnesses(syncUrl, docName)
      await sendAndExpectClose(await connectBad(syncUrl, docName), frame(), code)
      await expectUndisturbed(w, syncUrl, docName, { store })
    })
  }

  it('closes on an update whose structs skip missing clocks (4422), nothing pending', async () => {
    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    // doc1 edits twice; only the second update is sent, so it depends on the first.
    const doc1 = new Y.Doc()
    doc1.getMap('evil').set('a', 1)
    const first = Y.encodeStateAsUpdate(doc1)
    doc1.getMap('evil').set('b', 2)
    const second = Y.encodeStateAsUpdate(doc1, Y.encodeStateVectorFromUpdate(first))
    const bad = await connectBad(syncUrl, docName)
    await sendAndExpectClose(
      bad,
      encodeSync(SyncMessageType.update, second),
      CloseCode.invalidUpdate,
    )
    await expectUndisturbed(w, syncUrl, docName, { store })
  })

  it('closes on an update whose origin is unknown to the doc (4422), nothing pending', async () => {
    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    // doc2 inserts after text doc1 wrote, but doc1's text never reached the server.
    const doc1 = new Y.Doc()
    doc1.getText('evil').insert(0, 'abc')
    const doc2 = new Y.Doc()
    Y.applyUpdate(doc2, Y.encodeStateAsUpdate(doc1))
    const before = Y.encodeStateVector(doc2)
    doc2.getText('evil').insert(3, 'd')
    const dangling = Y.encodeStateAsUpdate(doc2, before)
    const bad = await connectBad(syncUrl, docName)
    await sendAndExpectClose(
      bad,
      encodeSync(SyncMessageType.update, dangling),
      CloseCode.invalidUpdate,
    )
    await expectUndisturbed(w, syncUrl, docName, { store })
  })

  // Every reference points inside what the doc plus the update reach, yet Yjs
  // cannot integrate these: each would poison the doc for every client.
  const unintegrable: Array<{ name: string; update: Uint8Array; atClient: string }> = [
    {
      name: 'structs that depend on each other in a cycle',
      update: handUpdate([
        { client: 1002, clock: 0, structs: [{ text: 'y', origin: { client: 1001, clock: 0 } }] },
        { client: 1001, clock: 0, structs: [{ text: 'x', origin: { client: 1002, clock: 0 } }] },
      ]),
      atClient: 'pending',
    },
    {
      name: 'a struct whose origin is a later clock of its own client',
      update: handUpdate([
        {
          client: 1001,
          clock: 0,
          structs: [{ text: 'a', origin: { client: 1001, clock: 1 } }, { text: 'b' }],
        },
      ]),
      atClient: 'throws',
    },
    {
      name: 'a client split over two sections',
      update: handUpdate([
        { client: 1001, clock: 0, structs: [{ text: 'a' }] },
        { client: 1001, clock: 1, structs: [{ text: 'b', origin: { client: 1001, clock: 0 } }] },
      ]),
      atClient: 'pending',
    },
  ]
  for (const { name, update, atClient } of unintegrable) {
    it(`closes on an update with ${name} (4422), nothing pending`, async () => {
      expect(applyAlone(update)).toBe(atClient)
      const { syncUrl, store } = await start()
      const docName = nextDoc()
      const w = await openWitnesses(syncUrl, docName)
      const bad = await connectBad(syncUrl, docName)
      await sendAndExpectClose(
        bad,
        encodeSync(SyncMessageType.update, update),
        CloseCode.invalidUpdate,
      )
      await expectUndisturbed(w, syncUrl, docName, { store })
    })
  }

  it('keeps the doc loadable when an update resends known structs with other origins', async () => {
    // Found by tests/fuzz.test.ts. Applied one by one these integrate (Yjs
    // skips ids it has), but the third one repeats 9002:0..4 with origins in
    // 9003: a merge of the log that kept that copy would hold a cycle.
    const at = (client: number, clock: number) => ({ client, clock })
    const updates = [
      handUpdate([{ client: 9002, clock: 0, structs: [{ text: 'xx' }, { text: 'xx' }] }]),
      handUpdate([
        { client: 9003, clock: 0, structs: [{ text: 'x', origin: at(9002, 3) }, { text: 'x' }] },
      ]),
      handUpdate([
        {
          client: 9003,
          clock: 0,
          structs: [
            { text: 'xx', origin: at(9003, 0) },
            { text: 'x', origin: at(9003, 1) },
            { text: 'x', origin: at(9002, 3) },
          ],
        },
        {
          client: 9002,
          clock: 0,
          structs: [
            { text: 'xx', origin: at(9003, 3) },
            { text: 'xx', origin: at(9003, 3) },
            { text: 'x', origin: at(9003, 0) },
          ],
        },
      ]),
    ]
    const expected = new Y.Doc()
    for (const update of updates) Y.applyUpdate(expected, update)
    expect(expected.store.pendingStructs).toBeNull()
    expect(applyAlone(Y.mergeUpdates(updates))).not.toBe('ok')

    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const client = await connectBad(syncUrl, docName, 'user=resend&ack=1')
    for (const update of updates) client.send(encodeSync(SyncMessageType.update, update))
    await client.waitForFrame((frame) => frame.type === 'ack' && frame.count === 3, 'three acks')
    const fresh = await readDoc(syncUrl, docName)
    expect(fresh.getText('evil').toString()).toBe(expected.getText('evil').toString())
    expect(Y.encodeStateVector(fresh)).toEqual(Y.encodeStateVector(expected))
    const stored = await storedDoc(store, docName)
    expect(stored.store.pendingStructs).toBeNull()
    expect(stored.getText('evil').toString()).toBe(expected.getText('evil').toString())
  })

  it('closes on an update whose client sections ascend (4422): a merge would drop structs', async () => {
    // Found by tests/fuzz.test.ts. Yjs writes clients in descending order and
    // Y.mergeUpdates relies on it: merged with an earlier update, this one
    // loses 9003:0, and every fresh client would see pending structs.
    const earlier = handUpdate([{ client: 10_000, clock: 0, structs: [{ text: 'a' }] }])
    const ascending = handUpdate([
      { client: 9002, clock: 0, structs: [{ text: 'x' }] },
      {
        client: 9003,
        clock: 0,
        structs: [{ text: 'y' }, { text: 'z', origin: { client: 9002, clock: 0 } }],
      },
    ])
    expect(applyAlone(ascending)).toBe('ok')
    expect(applyAlone(Y.mergeUpdates([earlier, ascending]))).toBe('pending')

    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const bad = await connectBad(syncUrl, docName, 'user=mallory&ack=1')
    bad.send(encodeSync(SyncMessageType.update, earlier))
    await bad.waitForFrame((frame) => frame.type === 'ack' && frame.count === 1, 'ack')
    await sendAndExpectClose(
      bad,
      encodeSync(SyncMessageType.update, ascending),
      CloseCode.invalidUpdate,
    )
    w.writer.doc.getMap('m').set('after', 'ok')
    await waitFor(
      () => w.watcher.doc.getMap('m').get('after') === 'ok',
      'later edit at the watcher',
    )
    expect(w.closes).toEqual([])
    // The accepted one is there (from client 10000), the refused one is not.
    const fresh = await readDoc(syncUrl, docName)
    expect(fresh.getText('evil').toString()).toBe('a')
    expect(fresh.getMap('m').toJSON()).toEqual({ before: 'ok', after: 'ok' })
    expect((await storedDoc(store, docName)).store.pendingStructs).toBeNull()
  })

  it('accepts a hand-made update Yjs integrates (the builder is sound)', async () => {
    const update = handUpdate([
      { client: 1002, clock: 0, structs: [{ text: 'b', origin: { client: 1001, clock: 0 } }] },
      { client: 1001, clock: 0, structs: [{ text: 'a' }] },
    ])
    expect(applyAlone(update)).toBe('ok')
    const { syncUrl } = await start()
    const docName = nextDoc()
    const client = await connectBad(syncUrl, docName, 'user=hand&ack=1')
    client.send(encodeSync(SyncMessageType.update, update))
    await client.waitForFrame((frame) => frame.type === 'ack' && frame.count === 1, 'ack')
    expect((await readDoc(syncUrl, docName)).getText('evil').toString()).toBe('ab')
  })

  it('closes on a delete of items the doc does not have (4422)', async () => {
    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const doc1 = new Y.Doc()
    doc1.getArray('evil').insert(0, [1, 2, 3])
    const inserted = Y.encodeStateVector(doc1)
    doc1.getArray('evil').delete(0, 3)
    const deleteOnly = Y.encodeStateAsUpdate(doc1, inserted)
    expect(Y.decodeUpdate(deleteOnly).structs).toEqual([])
    const bad = await connectBad(syncUrl, docName)
    await sendAndExpectClose(
      bad,
      encodeSync(SyncMessageType.update, deleteOnly),
      CloseCode.invalidUpdate,
    )
    await expectUndisturbed(w, syncUrl, docName, { store })
  })

  it('closes on a delete of the writer items beyond what the doc has (4422)', async () => {
    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    // A delete set naming the writer's clientID, covering clocks it never wrote.
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0) // no structs
    encoding.writeVarUint(encoder, 1) // one client in the delete set
    encoding.writeVarUint(encoder, w.writer.doc.clientID)
    encoding.writeVarUint(encoder, 1) // one range
    encoding.writeVarUint(encoder, 0) // from clock 0
    encoding.writeVarUint(encoder, 1_000) // length
    const bad = await connectBad(syncUrl, docName)
    await sendAndExpectClose(
      bad,
      encodeSync(SyncMessageType.update, encoding.toUint8Array(encoder)),
      CloseCode.invalidUpdate,
    )
    await expectUndisturbed(w, syncUrl, docName, { store })
  })

  it('closes on a value nested deeper than the cap (4422)', async () => {
    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const deep = updateOf((doc) => doc.getMap('evil').set('deep', nested(100)))
    const bad = await connectBad(syncUrl, docName)
    await sendAndExpectClose(bad, encodeSync(SyncMessageType.update, deep), CloseCode.invalidUpdate)
    await expectUndisturbed(w, syncUrl, docName, { store })
  })

  it('accepts a value nested exactly to the cap', async () => {
    const { syncUrl } = await start()
    const docName = nextDoc()
    const doc = new Y.Doc()
    doc.getMap('m').set('deep', nested(31)) // 31 objects + the leaf: depth 32
    const client = await connectBad(syncUrl, docName, 'user=deep&ack=1')
    client.send(encodeSync(SyncMessageType.update, Y.encodeStateAsUpdate(doc)))
    await client.waitForFrame((frame) => frame.type === 'ack' && frame.count === 1, 'ack')
    const fresh = await readDoc(syncUrl, docName)
    expect(fresh.getMap('m').toJSON()).toEqual({ deep: nested(31) })
  })

  it('closes a first awareness message that claims another connection clientID (4423)', async () => {
    const { syncUrl } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const forged = { clientId: w.watcher.doc.clientID, clock: 999, json: '{"user":"forged"}' }
    await sendAndExpectClose(
      await connectBad(syncUrl, docName),
      awarenessFrame([forged]),
      CloseCode.invalidAwareness,
    )
    expect(w.writer.provider.awareness.getStates().get(w.watcher.doc.clientID)).not.toEqual({
      user: 'forged',
    })
    await expectUndisturbed(w, syncUrl, docName)
  })

  it('drops later awareness entries for clientIDs the connection does not own, silently', async () => {
    const { syncUrl } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const mallory = await connectBad(syncUrl, docName)
    const statesAtWriter = () => w.writer.provider.awareness.getStates()
    const forgedSeen: unknown[] = []
    w.writer.provider.awareness.on('change', () => {
      const state = statesAtWriter().get(w.watcher.doc.clientID) as { user?: string } | undefined
      if (state?.user === 'forged') forgedSeen.push(state)
    })
    mallory.send(awarenessFrame([{ clientId: 4242, clock: 1, json: '{"note":"mallory"}' }]))
    await waitFor(() => statesAtWriter().has(4242), 'mallory awareness at the writer')
    // A frame only about the watcher, then one mixing mallory's own state with a forgery.
    const forged = { clientId: w.watcher.doc.clientID, clock: 999, json: '{"user":"forged"}' }
    mallory.send(awarenessFrame([forged]))
    mallory.send(
      awarenessFrame([{ clientId: 4242, clock: 2, json: '{"note":"mallory-2"}' }, forged]),
    )
    await waitFor(
      () => (statesAtWriter().get(4242) as { note?: string } | undefined)?.note === 'mallory-2',
      'mallory second awareness at the writer',
    )
    expect(mallory.closed).toBeUndefined()
    expect(forgedSeen).toEqual([])
    expect(statesAtWriter().get(w.watcher.doc.clientID)).not.toEqual({ user: 'forged' })
    expect(w.watcher.provider.awareness.getLocalState()).not.toEqual({ user: 'forged' })
    await expectUndisturbed(w, syncUrl, docName)
  })

  const awarenessCases: Array<{ name: string; json: string; maxAwarenessBytes?: number }> = [
    { name: 'over the size cap', json: JSON.stringify({ pad: 'x'.repeat(MAX_AWARENESS_BYTES) }) },
    { name: 'a number, not an object', json: '42' },
    { name: 'an array, not an object', json: '[1,2]' },
    { name: 'not JSON', json: '{"user":' },
    // JSON.parse takes it, but re-encoding it (relay, a joining client) overflows the stack.
    {
      name: 'nested deeper than the cap',
      json: `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      maxAwarenessBytes: MAX_MESSAGE_BYTES,
    },
  ]
  for (const { name, json, maxAwarenessBytes } of awarenessCases) {
    it(`closes on an awareness state ${name} (4423)`, async () => {
      const { url, syncUrl } = await start(maxAwarenessBytes ? { maxAwarenessBytes } : {})
      const docName = nextDoc()
      const w = await openWitnesses(syncUrl, docName)
      const bad = await connectBad(syncUrl, docName)
      const closes = await closesTotal(url)
      bad.send(awarenessFrame([{ clientId: 4242, clock: 1, json }]))
      // The bad client does not read its close frame, so its connection stays
      // attached (up to 5 s) while a client joins and asks for awareness.
      const socket = socketOf(bad)
      socket.pause()
      await waitFor(async () => (await closesTotal(url)) > closes, 'server closes the bad client')
      const late = await connectBad(syncUrl, docName, 'user=late')
      late.send(new Uint8Array([MessageType.queryAwareness]))
      await late.waitForFrame((frame) => frame.type === 'awareness', 'awareness answer')
      expect(late.closed).toBeUndefined()
      socket.resume()
      expect((await bad.waitForClose()).code).toBe(CloseCode.invalidAwareness)
      expect(w.writer.provider.awareness.getStates().has(4242)).toBe(false)
      await expectUndisturbed(w, syncUrl, docName)
    })
  }

  it('drops the updates of a read-only connection but answers its sync step 1', async () => {
    const { url, syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const viewer = await connectBad(syncUrl, docName, 'user=viewer&role=viewer')
    viewer.send(encodeSync(SyncMessageType.step1, Y.encodeStateVector(new Y.Doc())))
    await viewer.waitForFrame((frame) => frame.type === 'sync-step2', 'step 2')
    // The reply: the log tail as a sync update, then step 2 (the snapshot).
    const seen = new Y.Doc()
    for (const frame of viewer.frames) {
      if (frame.type === 'sync-update' || frame.type === 'sync-step2')
        Y.applyUpdate(seen, frame.payload)
    }
    expect(seen.getMap('m').get('before')).toBe('ok')
    const relayedBefore = viewer.frames.length

    const dropped = await readMetric(url, 'sync_dropped_updates_total')
    viewer.send(encodeSync(SyncMessageType.update, evilUpdate()))
    viewer.send(encodeSync(SyncMessageType.step2, evilUpdate()))
    await waitFor(
      async () => (await readMetric(url, 'sync_dropped_updates_total')) === dropped + 2,
      'dropped updates counted',
    )
    expect(viewer.closed).toBeUndefined()
    await expectUndisturbed(w, syncUrl, docName, { store })
    // The viewer still gets the writers' edits.
    await waitFor(
      () => viewer.frames.slice(relayedBefore).some((frame) => frame.type === 'sync-update'),
      'relayed edit at the viewer',
    )
  })

  it('closes a slow consumer with 1013 while the others continue', async () => {
    const { url, syncUrl, store } = await start({
      maxMessageBytes: 2 * 1024 * 1024,
      maxBufferedBytes: 64 * 1024,
      compaction: { rows: 1_000_000, bytes: 1024 ** 3 },
    })
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const slow = await connectBad(syncUrl, docName, 'user=slow')
    await slow.waitForFrame((frame) => frame.type === 'sync-step1', 'server step 1')
    const socket = socketOf(slow)
    socket.pause()

    const blob = 'x'.repeat(256 * 1024)
    const keys = ['before', 'after']
    const slowClosed = async () => (await closeCount(url, CloseCode.tryAgainLater)) > 0
    for (let i = 0; i < 200 && !(await slowClosed()); i++) {
      w.writer.doc.getMap('m').set(`blob${i}`, blob)
      keys.push(`blob${i}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(await slowClosed()).toBe(true)
    socket.resume()
    expect((await slow.waitForClose(10_000)).code).toBe(CloseCode.tryAgainLater)
    await waitFor(
      () => w.watcher.doc.getMap('m').size === keys.length - 1,
      'every blob at the watcher',
      10_000,
    )
    // The doc is now far bigger than maxBufferedBytes: a fresh client still
    // loads it, since its first sync reply gets an allowance.
    await expectUndisturbed(w, syncUrl, docName, { keys, store })
  })
  it('gives only the first sync reply an allowance: repeated step 1 without reading is closed', async () => {
    const { url, syncUrl } = await start({
      maxMessageBytes: 2 * 1024 * 1024,
      maxBufferedBytes: 64 * 1024,
      compaction: { rows: 1_000_000, bytes: 1024 ** 3 },
    })
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    w.writer.doc.getMap('m').set('blob', 'x'.repeat(512 * 1024))
    await waitFor(() => w.watcher.doc.getMap('m').has('blob'), 'blob at the watcher')
    const greedy = await connectBad(syncUrl, docName, 'user=greedy')
    await greedy.waitForFrame((frame) => frame.type === 'sync-step1', 'server step 1')
    socketOf(greedy).pause()
    const emptyStateVector = Y.encodeStateVector(new Y.Doc())
    for (let i = 0; i < 10 && (await closeCount(url, CloseCode.tryAgainLater)) === 0; i++) {
      greedy.send(encodeSync(SyncMessageType.step1, emptyStateVector))
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(await closeCount(url, CloseCode.tryAgainLater)).toBe(1)
    await expectUndisturbed(w, syncUrl, docName, { keys: ['before', 'blob', 'after'] })
  })
})

function socketOf(client: RawClient): Socket {
  return (client.ws as unknown as { _socket: Socket })._socket
}

/** All samples of `sync_closes_total`, whatever the code. */
async function closesTotal(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  let total = 0
  for (const match of text.matchAll(/^sync_closes_total\{[^}]*\} (\S+)$/gm))
    total += Number(match[1])
  return total
}

/** A labelled sample of `sync_closes_total`, 0 if absent. */
async function closeCount(url: string, code: number): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const match = new RegExp(`^sync_closes_total\\{code="${code}"\\} (\\S+)$`, 'm').exec(text)
  return match?.[1] ? Number(match[1]) : 0
}

// --- the real process ----------------------------------------------------

describe('bad input (real server process)', () => {
  let server: SyncProcess

  beforeAll(async () => {
    server = await startSyncProcess({ env: { SYNC_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) } })
  })

  afterAll(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    await stopSyncProcess(server)
    await removeDataDir(server)
  })

  for (const { name, frame, code } of frameCases) {
    it(`survives ${name} (${code}) and still answers /healthz`, async () => {
      const docName = nextDoc()
      const w = await openWitnesses(server.syncUrl, docName)
      await sendAndExpectClose(await connectBad(server.syncUrl, docName), frame(), code)
      await expectUndisturbed(w, server.syncUrl, docName)
      expect(server.child.exitCode).toBeNull()
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    })
  }

  it('survives an upgrade request whose URL does not parse', async () => {
    const docName = nextDoc()
    const w = await openWitnesses(server.syncUrl, docName)
    const status = await rawUpgrade(server.url, '//')
    expect(status).toMatch(/^HTTP\/1\.1 4\d\d /)
    await expectUndisturbed(w, server.syncUrl, docName)
    expect(server.child.exitCode).toBeNull()
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })
})

/** Sends a WebSocket upgrade for `target` over a bare TCP socket; resolves the status line. */
async function rawUpgrade(url: string, target: string): Promise<string> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
          'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
          'Sec-WebSocket-Version: 13\r\n\r\n',
      )
    })
    let received = ''
    socket.on('data', (chunk) => {
      received += chunk.toString()
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''))
  })
}
