// A stand-in for the sync server in unit tests: a WebSocket class whose
// sockets talk to one in-memory Y.Doc per doc name, the way the real server
// does: its step 1 on open, a step 2 for the client's step 1, updates applied
// and relayed to the doc's other sockets, and an ack counting every
// update-carrying message when the URL asks for acks (`ack=1`). Every frame
// arrives on a later microtask, as over a network. Tests can lose acks,
// refuse connections with a close code, make connections read-only (a
// viewer's: updates dropped, never acknowledged), and count sockets.
import { ACK_QUERY_PARAM, encodeAck, MessageType } from '@plansync/protocol'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'

export interface FakeSyncServer {
  /** Pass as `WebSocket` to createClient or DocSync. */
  readonly WebSocket: typeof WebSocket
  /** The server's copy of a doc (created empty on first use). */
  doc(name: string): Y.Doc
  /** Every socket made so far, in order. */
  readonly sockets: readonly FakeServerSocket[]
  /** Sockets not closed yet. */
  openSockets(): FakeServerSocket[]
  /** While true, new sockets fail to open (close 1006), as with no network. */
  offline: boolean
  /** While true, updates are applied but their acks are lost. */
  holdAcks: boolean
  /** Return a close code to refuse a connection right after it opens (4401, 4403). */
  refuse: ((url: URL) => number | null) | null
  /** True for a read-only (viewer's) connection: its updates are dropped and not acknowledged. */
  readOnly: ((url: URL) => boolean) | null
  /** Updates dropped from read-only connections so far. */
  dropped: number
}

export interface FakeServerSocket {
  readonly url: URL
  readonly docName: string
  readyState: number
  /** Update-carrying messages received on this socket. */
  received: number
  /** Closes from the server side with `code`. */
  drop(code: number): void
}

const CONNECTING = 0
const OPEN = 1
const CLOSED = 3

export function createFakeSyncServer(): FakeSyncServer {
  const docs = new Map<string, Y.Doc>()
  const sockets: Socket[] = []
  const later = (task: () => void) => queueMicrotask(task)

  function docOf(name: string): Y.Doc {
    let doc = docs.get(name)
    if (!doc) {
      doc = new Y.Doc()
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        for (const socket of sockets) {
          if (socket !== origin && socket.docName === name && socket.readyState === OPEN) {
            socket.deliver(frame((encoder) => syncProtocol.writeUpdate(encoder, update)))
          }
        }
      })
      docs.set(name, doc)
    }
    return doc
  }

  function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    write(encoder)
    return encoding.toUint8Array(encoder)
  }

  class Socket implements FakeServerSocket {
    static readonly CONNECTING = CONNECTING
    static readonly OPEN = OPEN
    readonly CONNECTING = CONNECTING
    readonly OPEN = OPEN
    readonly url: URL
    readonly docName: string
    readyState = CONNECTING
    received = 0
    binaryType = 'arraybuffer'
    onopen: (() => void) | null = null
    onmessage: ((event: { data: ArrayBuffer }) => void) | null = null
    onclose: ((event: { code: number }) => void) | null = null
    onerror: (() => void) | null = null

    constructor(url: string) {
      this.url = new URL(url)
      this.docName = decodeURIComponent(this.url.pathname.split('/').at(-1) ?? '')
      sockets.push(this)
      later(() => {
        if (this.readyState !== CONNECTING) return
        if (server.offline) return this.drop(1006)
        this.readyState = OPEN
        this.onopen?.()
        const refusal = server.refuse?.(this.url) ?? null
        if (refusal !== null) return this.drop(refusal)
        this.deliver(frame((encoder) => syncProtocol.writeSyncStep1(encoder, docOf(this.docName))))
      })
    }

    send(data: Uint8Array): void {
      if (this.readyState !== OPEN) throw new Error('send on a socket that is not open')
      const decoder = decoding.createDecoder(data)
      if (decoding.readVarUint(decoder) !== MessageType.sync) return
      const doc = docOf(this.docName)
      const kind = decoding.readVarUint(decoder)
      if (kind === syncProtocol.messageYjsSyncStep1) {
        const stateVector = decoding.readVarUint8Array(decoder)
        const reply = frame((encoder) => {
          encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2)
          encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(doc, stateVector))
        })
        this.deliver(reply)
        return
      }
      if (server.readOnly?.(this.url)) {
        server.dropped += 1
        return
      }
      Y.applyUpdate(doc, decoding.readVarUint8Array(decoder), this)
      this.received += 1
      const count = this.received
      if (this.url.searchParams.get(ACK_QUERY_PARAM) === '1' && !server.holdAcks) {
        this.deliver(encodeAck(count))
      }
    }

    close(): void {
      if (this.readyState === CLOSED) return
      this.readyState = CLOSED
      later(() => this.onclose?.({ code: 1000 }))
    }

    drop(code: number): void {
      if (this.readyState === CLOSED) return
      this.readyState = CLOSED
      this.onclose?.({ code })
    }

    deliver(data: Uint8Array): void {
      later(() => {
        if (this.readyState === OPEN) this.onmessage?.({ data: data.slice().buffer })
      })
    }
  }

  const server: FakeSyncServer = {
    WebSocket: Socket as unknown as typeof WebSocket,
    doc: docOf,
    sockets,
    openSockets: () => sockets.filter((socket) => socket.readyState !== CLOSED),
    offline: false,
    holdAcks: false,
    refuse: null,
    readOnly: null,
    dropped: 0,
  }
  return server
}
