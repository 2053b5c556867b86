// One simulated client: a raw WebSocket and a tiny Y.Doc that only mints its own updates.
//
// Received updates are never applied to the doc: the client only measures
// them, so its cost stays flat however large the shared doc grows, and the
// updates it mints reference only its own items, which any server can apply
// without the rest of the doc's state.
import WebSocket from 'ws'
import * as Y from 'yjs'
import type { DeliveryTracker } from './delivery-tracker.ts'
import type { Dialect, SyncFrame } from './wire.ts'

export interface SimClientOptions {
  url: string
  docName: string
  dialect: Dialect
  tracker: DeliveryTracker
}

export interface SimClient {
  readonly clientId: number
  readonly docName: string
  /** Milliseconds from opening the socket to the first sync step 2; rejects if it closes first. */
  readonly synced: Promise<number>
  /**
   * The updates received up to and including the first sync step 2: what the
   * client had when it counted as synced. A server may send part of the state
   * as sync updates just before its step 2 (ours sends the log tail that way).
   */
  syncPayloads(): readonly Uint8Array[]
  isOpen(): boolean
  /** Mints one small update and sends it; false if the socket is not open. */
  sendUpdate(expectedReceivers: number): boolean
  close(): Promise<void>
}

// Values cycle over a few keys so the doc stays small while the history grows.
const KEY_COUNT = 16
const CLOSE_GRACE_MS = 2000
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc())

export function createSimClient(options: SimClientOptions): SimClient {
  const { docName, dialect, tracker } = options
  const doc = new Y.Doc()
  const map = doc.getMap<number>('m')
  let minted: Uint8Array | undefined
  doc.on('update', (update: Uint8Array) => {
    minted = update
  })
  // Each map.set of a number is one Item of length 1, so the clock of the
  // n-th update is n - 1: nothing else ever changes this doc.
  let clock = 0
  let syncedAt: number | undefined
  const syncPayloads: Uint8Array[] = []
  const openedAt = performance.now()
  const socket = new WebSocket(options.url, { perMessageDeflate: false })
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))

  const synced = new Promise<number>((resolve, reject) => {
    socket.once('open', () => {
      for (const frame of dialect.encodeOpening(docName, EMPTY_STATE_VECTOR)) socket.send(frame)
    })
    socket.on('error', (error) => reject(error))
    socket.once('close', (code, reason) => {
      reject(new Error(`closed ${code} ${reason.toString() || ''}`.trim()))
    })
    socket.on('message', (data: Buffer) => {
      const frame = decodeOrUndefined(dialect, data)
      if (frame === undefined) return
      if (frame.kind === 'step1') {
        // Answer the server's step 1 like a stock client would.
        const diff = Y.encodeStateAsUpdate(doc, frame.payload)
        socket.send(dialect.encodeSync(docName, 'step2', diff))
        return
      }
      if (syncedAt === undefined) {
        syncPayloads.push(frame.payload)
        if (frame.kind === 'step2') {
          syncedAt = performance.now()
          resolve(syncedAt - openedAt)
        }
      }
      tracker.recordReceive(doc.clientID, frame.payload)
    })
  })
  // Callers may never await `synced` (e.g. a client that is closed early).
  synced.catch(() => {})

  return {
    clientId: doc.clientID,
    docName,
    synced,
    syncPayloads: () => syncPayloads,
    isOpen: () => socket.readyState === WebSocket.OPEN,
    sendUpdate(expectedReceivers) {
      if (socket.readyState !== WebSocket.OPEN) return false
      map.set(`k${clock % KEY_COUNT}`, clock)
      if (minted === undefined) return false
      tracker.recordSend(doc.clientID, clock, expectedReceivers)
      socket.send(dialect.encodeSync(docName, 'update', minted))
      clock += 1
      minted = undefined
      return true
    },
    close() {
      if (socket.readyState === WebSocket.CLOSED) return Promise.resolve()
      socket.close(1000)
      // A server that never answers the close handshake must not stall a run.
      const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS)
      return closed.then(() => clearTimeout(timer))
    },
  }
}

function decodeOrUndefined(dialect: Dialect, data: Uint8Array): SyncFrame | undefined {
  try {
    return dialect.decodeSync(data)
  } catch {
    // Frames we do not understand (extensions, garbage) are not ours to judge.
    return undefined
  }
}
