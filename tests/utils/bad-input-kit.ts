// Shared pieces of the bad-input suites: hostile frame builders, two
// well-behaved witness clients per doc, and the check that bad input
// changed nothing (ARCHITECTURE invariant 5).
import { connect, type Socket } from 'node:net'
import { CloseCode, MessageType, SyncMessageType } from '@plansync/protocol'
import type { DocStore } from '@plansync/sync-server'
import * as encoding from 'lib0/encoding'
import { afterEach, expect } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { type InProcessServer, startInProcessServer } from './in-process-server.ts'
import { createPrng, encodeSync, readDoc } from './markers.ts'
import { connectProvider, waitSynced } from './providers.ts'
import { connectRaw, type RawClient } from './raw-client.ts'
import { waitFor } from './wait.ts'

export const MAX_MESSAGE_BYTES = 64 * 1024
export const MAX_AWARENESS_BYTES = 4 * 1024

export const providers: WebsocketProvider[] = []
export const clients: RawClient[] = []
const servers: InProcessServer[] = []

/** Closes every provider, raw client and server a test opened. */
export function useCleanup(): void {
  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    for (const client of clients.splice(0)) client.ws.terminate()
    for (const server of servers.splice(0)) await server.close()
  })
}

// --- frames --------------------------------------------------------------

/** The update a fresh Y.Doc produces for `edit` (root `evil`: must never reach the doc). */
export function updateOf(edit: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  edit(doc)
  return Y.encodeStateAsUpdate(doc)
}

export const evilUpdate = () => updateOf((doc) => doc.getMap('evil').set('pwned', true))

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

export function awarenessFrame(entries: AwarenessEntry[]): Uint8Array {
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
export function handUpdate(
  sections: Array<{ client: number; clock: number; structs: HandStruct[] }>,
) {
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
export function applyAlone(update: Uint8Array): 'pending' | 'throws' | 'ok' {
  const doc = new Y.Doc()
  try {
    Y.applyUpdate(doc, update)
  } catch {
    return 'throws'
  }
  return doc.store.pendingStructs || doc.store.pendingDs ? 'pending' : 'ok'
}

export function nested(depth: number): unknown {
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
export const frameCases: FrameCase[] = [
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

export async function openWitnesses(syncUrl: string, docName: string): Promise<Witnesses> {
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
export async function expectUndisturbed(
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
export async function storedDoc(store: DocStore, docName: string): Promise<Y.Doc> {
  const { snapshot, updates } = await store.load(docName)
  const doc = new Y.Doc()
  for (const update of snapshot ? [snapshot, ...updates] : updates) Y.applyUpdate(doc, update)
  return doc
}

export async function connectBad(syncUrl: string, docName: string, query = 'user=mallory') {
  const client = await connectRaw(`${syncUrl}/${docName}?${query}`)
  clients.push(client)
  expect(client.closed).toBeUndefined()
  return client
}

export async function sendAndExpectClose(
  client: RawClient,
  frame: Uint8Array | string,
  code: number,
): Promise<void> {
  client.send(frame)
  const closed = await client.waitForClose()
  expect(closed.code).toBe(code)
}

// --- in process ----------------------------------------------------------

export async function start(options: Parameters<typeof startInProcessServer>[0] = {}) {
  const server = await startInProcessServer({
    maxMessageBytes: MAX_MESSAGE_BYTES,
    maxAwarenessBytes: MAX_AWARENESS_BYTES,
    ...options,
  })
  servers.push(server)
  return server
}

let docCounter = 0
export const nextDoc = () => `calendar:bad-${++docCounter}`

export function socketOf(client: RawClient): Socket {
  return (client.ws as unknown as { _socket: Socket })._socket
}

/** All samples of `sync_closes_total`, whatever the code. */
export async function closesTotal(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  let total = 0
  for (const match of text.matchAll(/^sync_closes_total\{[^}]*\} (\S+)$/gm))
    total += Number(match[1])
  return total
}

/** A labelled sample of `sync_closes_total`, 0 if absent. */
export async function closeCount(url: string, code: number): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const match = new RegExp(`^sync_closes_total\\{code="${code}"\\} (\\S+)$`, 'm').exec(text)
  return match?.[1] ? Number(match[1]) : 0
}

// --- the real process ----------------------------------------------------

export async function rawUpgrade(url: string, target: string): Promise<string> {
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
