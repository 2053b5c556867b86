// Unique-marker writers and readers for durability suites: each update
// message carries exactly one new key of the `markers` map, so "the first N
// messages are acked" names exactly which markers must survive a crash.
import { MessageType, SyncMessageType } from '@plansync/protocol'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { connectRaw, decodeFrame, type RawClient } from './raw-client.ts'
import { waitFor } from './wait.ts'

export const MARKERS = 'markers'

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed with its seed. */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The seed from `PLANSYNC_SEED`, or a fresh one. */
export function pickSeed(): number {
  const fromEnv = Number(process.env.PLANSYNC_SEED)
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Date.now() % 2 ** 31
}

export function encodeSync(subtype: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, subtype)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

export function markersOf(doc: Y.Doc): string[] {
  return [...doc.getMap(MARKERS).keys()]
}

export interface MarkerWriter {
  readonly name: string
  readonly client: RawClient
  /** Marker ids in the order their update messages were sent, one per message. */
  readonly sent: string[]
  /** Everything the server sent this writer (its own and other writers' markers). */
  readonly seen: Y.Doc
  /** The highest ack count: the first `acked()` messages are durable. */
  acked(): number
  /** The markers the server said are durable. */
  ackedMarkers(): string[]
  /** Markers of OTHER writers the server relayed to this one. */
  observedMarkers(): string[]
  isOpen(): boolean
  /** Mints one marker with its own Y.Doc and sends it; undefined once closed. */
  write(): string | undefined
}

/**
 * A raw `?ack=1` client minting updates with its own fresh Y.Doc. The
 * updates only touch new keys of one map, so they depend on nothing but the
 * writer's own earlier updates and any server can apply them.
 */
export async function connectWriter(
  syncUrl: string,
  docName: string,
  name: string,
): Promise<MarkerWriter> {
  const client = await connectRaw(`${syncUrl}/${docName}?ack=1&user=${name}`)
  const doc = new Y.Doc()
  const seen = new Y.Doc()
  const sent: string[] = []
  let acked = 0
  let minted: Uint8Array | undefined
  doc.on('update', (update: Uint8Array) => {
    minted = update
  })
  client.ws.on('message', (data: Buffer) => {
    const frame = decodeFrame(new Uint8Array(data))
    if (frame.type === 'ack') acked = Math.max(acked, frame.count)
    else if (frame.type === 'sync-step2' || frame.type === 'sync-update')
      Y.applyUpdate(seen, frame.payload)
  })
  const isOpen = () => client.ws.readyState === client.ws.OPEN
  return {
    name,
    client,
    sent,
    seen,
    acked: () => acked,
    ackedMarkers: () => sent.slice(0, acked),
    observedMarkers: () => markersOf(seen).filter((id) => !id.startsWith(`${name}-`)),
    isOpen,
    write() {
      if (!isOpen()) return undefined
      const id = `${name}-${sent.length}`
      doc.getMap(MARKERS).set(id, true)
      if (!minted) throw new Error('the edit produced no update')
      client.send(encodeSync(SyncMessageType.update, minted))
      minted = undefined
      sent.push(id)
      return id
    },
  }
}

/**
 * Keeps every writer busy: it tops up to `window` unacknowledged messages on
 * every frame it receives (so an ack is answered by new writes at once, and
 * writes are always in flight) and on a timer. Stops on `stop()` or when
 * the sockets close.
 */
export function startLoad(writers: MarkerWriter[], window = 32): { stop(): void } {
  let running = true
  const topUp = (writer: MarkerWriter) => {
    while (running && writer.isOpen() && writer.sent.length - writer.acked() < window) {
      writer.write()
    }
  }
  const listeners = writers.map((writer) => {
    // Registered after connectWriter's own listener, so `acked()` is already current.
    const listener = () => topUp(writer)
    writer.client.ws.on('message', listener)
    return () => writer.client.ws.off('message', listener)
  })
  const tick = () => {
    if (!running) return
    for (const writer of writers) topUp(writer)
    setTimeout(tick, 5)
  }
  tick()
  return {
    stop() {
      running = false
      for (const off of listeners) off()
    },
  }
}

/**
 * Reads a doc as a fresh client would: sync step 1 with an empty state
 * vector, then everything the server sends up to its step 2 (the server may
 * send part of the doc as sync updates just before the step 2).
 */
export async function readDoc(syncUrl: string, docName: string): Promise<Y.Doc> {
  const client = await connectRaw(`${syncUrl}/${docName}?user=reader`)
  try {
    if (client.closed) {
      throw new Error(`reader closed: ${client.closed.code} ${client.closed.reason}`)
    }
    client.send(encodeSync(SyncMessageType.step1, Y.encodeStateVector(new Y.Doc())))
    await client.waitForFrame((f) => f.type === 'sync-step2', 'sync step 2', 10_000)
    const doc = new Y.Doc()
    for (const frame of client.frames) {
      if (frame.type === 'sync-update' || frame.type === 'sync-step2') {
        Y.applyUpdate(doc, frame.payload)
      }
      if (frame.type === 'sync-step2') break
    }
    if (doc.store.pendingStructs || doc.store.pendingDs) {
      throw new Error(`${docName} read with missing dependencies`)
    }
    return doc
  } finally {
    await client.close()
  }
}

export async function readMarkers(syncUrl: string, docName: string): Promise<Set<string>> {
  return new Set(markersOf(await readDoc(syncUrl, docName)))
}

/** One unlabelled sample from the server's Prometheus /metrics. */
export async function readMetric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)
  if (!match?.[1]) throw new Error(`metric ${name} not found`)
  return Number(match[1])
}

/** What writers were told is durable, or saw relayed from others: all of it must survive. */
export function confirmedMarkers(writers: MarkerWriter[]): string[] {
  return [...new Set(writers.flatMap((w) => [...w.ackedMarkers(), ...w.observedMarkers()]))]
}

/** Waits until every writer still open has every message it sent acknowledged. */
export async function settleWriters(writers: MarkerWriter[], timeoutMs = 15_000): Promise<void> {
  await waitFor(
    () => writers.every((w) => !w.isOpen() || w.acked() === w.sent.length),
    'open writers to have every message acked',
    timeoutMs,
  )
}

/** The members of `expected` missing from `actual`. */
export function missingFrom(actual: ReadonlySet<string>, expected: Iterable<string>): string[] {
  return [...expected].filter((id) => !actual.has(id))
}
