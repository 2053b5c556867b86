// One client's WebSocket, as the sync engine sees it: who it is, whether it
// may write, and a send that refuses to grow memory for a slow consumer.
import { CloseCode, canWrite, encodeAck, type Role } from '@plansync/protocol'
import type { Logger } from 'pino'
import type { WebSocket } from 'ws'
import type { Principal } from './auth/verifier.ts'
import type { DocPeer } from './docs/shared-doc.ts'
import type { SyncMetrics } from './metrics.ts'

export interface ConnectionOptions {
  id: string
  socket: WebSocket
  principal: Principal
  /** Send durable-commit acks (the client opted in with `ack=1`). */
  acks: boolean
  maxBufferedBytes: number
  logger: Logger
  metrics: SyncMetrics
}

const FORCE_CLOSE_MS = 5_000

export class Connection implements DocPeer {
  readonly id: string
  #principal: Principal
  readonly acks: boolean
  readonly logger: Logger
  /** Update-carrying messages received (the ack counter). */
  updatesReceived = 0
  #socket: WebSocket
  #options: ConnectionOptions
  #closing = false
  /** Bytes of the first sync reply still allowed over the buffered limit. */
  #allowance = 0
  #caughtUp = false

  constructor(options: ConnectionOptions) {
    this.#options = options
    this.#socket = options.socket
    this.id = options.id
    this.#principal = options.principal
    this.acks = options.acks
    this.logger = options.logger
  }

  get principal(): Principal {
    return this.#principal
  }

  /** Viewers' sync step 2 and updates are dropped. */
  get readOnly(): boolean {
    return !canWrite(this.#principal.role)
  }

  /** A role change from the auth API takes effect on the next message. */
  setRole(role: Role): void {
    if (role === this.#principal.role) return
    this.logger.info({ from: this.#principal.role, to: role }, 'role changed')
    this.#principal = { ...this.#principal, role }
  }

  get closing(): boolean {
    return this.#closing
  }

  /**
   * Sends a frame, closing with 1013 when the client is too far behind.
   * `catchUp` marks the first sync reply: a big doc's reply alone may be over
   * the limit, so the limit grows by its size until the buffer drains below
   * the limit again. Only the first reply gets this allowance: a client
   * that keeps asking for sync step 1 without reading cannot grow memory.
   */
  send(frame: Uint8Array, options: { catchUp?: boolean } = {}): void {
    if (this.#closing) return
    const buffered = this.#socket.bufferedAmount
    const limit = this.#options.maxBufferedBytes
    if (buffered <= limit) this.#allowance = 0
    if (options.catchUp && !this.#caughtUp) {
      this.#allowance += frame.byteLength
    } else if (buffered > limit + this.#allowance) {
      this.close(CloseCode.tryAgainLater, 'slow consumer')
      return
    }
    this.#socket.send(frame)
    this.#options.metrics.bytesOut.inc(frame.byteLength)
  }

  /** The first sync reply is out: later ones get no allowance. */
  endCatchUp(): void {
    this.#caughtUp = true
  }

  sendAck(count: number): void {
    if (this.acks) this.send(encodeAck(count))
  }

  /** Closes with a named code; a peer that does not answer is cut off. */
  close(code: number, reason: string): void {
    if (this.#closing) return
    this.#closing = true
    this.#options.metrics.closes.inc({ code: String(code) })
    this.logger.info({ code, reason }, 'closing connection')
    this.#socket.close(code, reason.slice(0, 120))
    setTimeout(() => this.#socket.terminate(), FORCE_CLOSE_MS).unref()
  }
}
