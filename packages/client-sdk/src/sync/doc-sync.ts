// Keeps one local Y.Doc in sync with the sync server over the y-websocket
// protocol, with what the stock provider lacks: a fresh token from an async
// getter before every connect, the server's durable-commit acks (pending
// count, last confirmation), jittered exponential backoff capped at 30 s,
// and no retry loop after an auth refusal (44xx close codes).
//
// The doc is never blocked on the network: edits apply locally at once and
// are sent when a connection is up; a reconnect exchanges sync step 1/2, so
// whatever was edited offline reaches the server then.
import { ACK_QUERY_PARAM, CloseCode, MessageType, readAckCount } from '@plansync/protocol'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { ObservableV2 } from 'lib0/observable'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import type * as Y from 'yjs'
import { type BackoffOptions, backoffDelay } from './backoff.ts'
import type { SyncState, SyncStatus } from './status.ts'

export interface DocSyncOptions {
  /** The sync endpoint, e.g. `ws://127.0.0.1:8080/sync`. */
  url: string
  docName: string
  doc: Y.Doc
  awareness: awarenessProtocol.Awareness
  /** Called before every connect; a rejection with `authDenied: true` means needs-auth. */
  getToken: () => Promise<string>
  /** Called when the server refuses the connection's token (4401 / 4403). */
  onAuthRefused?: () => void
  /**
   * True while the server drops this client's updates (a viewer's
   * connection): local updates are then neither sent nor counted as pending,
   * since no acknowledgement would ever come.
   */
  readOnly?: () => boolean
  /** A WebSocket constructor; the global one by default (browsers, Node 22+). */
  WebSocket?: typeof WebSocket
  backoff?: BackoffOptions
  now?: () => number
}

export type DocSyncEvents = {
  status: (status: SyncStatus) => void
}

/** A connection attempt that has not opened by then is dropped and retried. */
const CONNECT_TIMEOUT_MS = 10_000

/** Close codes after which retrying with the same credentials is pointless. */
const AUTH_CODES = new Set<number>([CloseCode.unauthorized, CloseCode.forbidden])

export class DocSync extends ObservableV2<DocSyncEvents> {
  #options: DocSyncOptions
  #socket: WebSocket | undefined
  #state: SyncState = 'offline'
  #wanted = false
  #attempt = 0
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  /** Local updates made so far (a counter), and how many of them the server saved. */
  #localSeq = 0
  #confirmedSeq = 0
  #lastConfirmedAt: number | null = null
  /** For each update-carrying message sent on this connection: the local seq it covers. */
  #sentCovers: number[] = []
  /**
   * All local updates up to this seq have gone out on this connection (or
   * were confirmed before it). An ack covers no more than that: an update
   * sent before the step 2 that carries older offline edits must not count
   * them as saved.
   */
  #sentThrough = 0
  /** Whether the last auth refusal already got its one retry with a fresh token. */
  #authRetried = false
  /** Set while `restore` applies stored updates: they are not new local edits. */
  #restoring = false
  #openTimer: ReturnType<typeof setTimeout> | undefined

  constructor(options: DocSyncOptions) {
    super()
    this.#options = options
    options.doc.on('update', this.#onDocUpdate)
    options.awareness.on('update', this.#onAwarenessUpdate)
  }

  get status(): SyncStatus {
    return {
      state: this.#state,
      pending: this.#localSeq - this.#confirmedSeq,
      lastConfirmedAt: this.#lastConfirmedAt,
    }
  }

  /**
   * Applies what the local store kept from earlier sessions (`apply` runs
   * the transaction) without counting it as new, and counts `unconfirmed`
   * of those stored updates as pending: the server has not confirmed them,
   * and the next step 2 carries them. Call it before `connect()`.
   */
  restore(apply: () => void, unconfirmed: number): void {
    this.#restoring = true
    try {
      apply()
    } finally {
      this.#restoring = false
    }
    this.#localSeq += unconfirmed
    if (unconfirmed > 0) this.#emitStatus()
  }

  /** Starts (or keeps) connecting, and reconnecting after failures. */
  connect(): void {
    this.#wanted = true
    if (this.#state === 'offline' || this.#state === 'needs-auth') void this.#open()
  }

  /** Closes the connection and stops reconnecting; edits continue locally. */
  disconnect(): void {
    this.#wanted = false
    clearTimeout(this.#retryTimer)
    clearTimeout(this.#openTimer)
    this.#socket?.close(CloseCode.normal, 'client disconnect')
    this.#socket = undefined
    this.#setState('offline')
  }

  /**
   * Drops the current connection but keeps reconnecting (with backoff). For
   * a network the platform reports as gone: a socket on a dead network may
   * look open for minutes, and the status should say offline at once.
   */
  dropConnection(): void {
    const socket = this.#socket
    if (!socket) return
    socket.close(CloseCode.normal, 'network lost')
    this.#onClose(socket, CloseCode.normal)
  }

  /**
   * Reconnects now instead of waiting for the backoff (network back, tab
   * visible), or after `needs-auth` once the app signed in again.
   */
  retryNow(): void {
    if (!this.#wanted || (this.#state !== 'offline' && this.#state !== 'needs-auth')) return
    clearTimeout(this.#retryTimer)
    this.#attempt = 0
    void this.#open()
  }

  override destroy(): void {
    this.disconnect()
    this.#options.doc.off('update', this.#onDocUpdate)
    this.#options.awareness.off('update', this.#onAwarenessUpdate)
    super.destroy()
  }

  async #open(): Promise<void> {
    this.#setState('connecting')
    let token: string
    try {
      token = await this.#options.getToken()
    } catch (error) {
      if ((error as { authDenied?: boolean }).authDenied) this.#setState('needs-auth')
      else this.#scheduleRetry((error as { retryAfterMs?: number }).retryAfterMs)
      return
    }
    if (!this.#wanted) return
    const url = `${this.#options.url}/${encodeURIComponent(this.#options.docName)}?token=${encodeURIComponent(token)}&${ACK_QUERY_PARAM}=1`
    const Socket = this.#options.WebSocket ?? globalThis.WebSocket
    // Another attempt may have started while this one waited for its token.
    if (this.#socket) return
    const socket = new Socket(url)
    socket.binaryType = 'arraybuffer'
    this.#socket = socket
    this.#sentCovers = []
    this.#sentThrough = this.#confirmedSeq
    clearTimeout(this.#openTimer)
    const openTimer = setTimeout(() => {
      if (socket !== this.#socket || socket.readyState !== socket.CONNECTING) return
      this.#socket = undefined
      socket.close()
      this.#scheduleRetry()
    }, CONNECT_TIMEOUT_MS)
    this.#openTimer = openTimer
    socket.onopen = () => {
      clearTimeout(openTimer)
      if (socket !== this.#socket) return socket.close()
      this.#attempt = 0
      this.#setState('syncing')
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.sync)
      syncProtocol.writeSyncStep1(encoder, this.#options.doc)
      socket.send(encoding.toUint8Array(encoder))
      const { awareness } = this.#options
      if (awareness.getLocalState() !== null) {
        this.#sendAwareness(
          awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]),
        )
      }
    }
    socket.onmessage = (event) => this.#onMessage(socket, new Uint8Array(event.data as ArrayBuffer))
    socket.onclose = (event) => {
      clearTimeout(openTimer)
      this.#onClose(socket, event.code)
    }
    socket.onerror = () => {}
  }

  #onMessage(socket: WebSocket, data: Uint8Array): void {
    if (socket !== this.#socket) return
    const decoder = decoding.createDecoder(data)
    const type = decoding.readVarUint(decoder)
    if (type === MessageType.sync) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MessageType.sync)
      const kind = syncProtocol.readSyncMessage(decoder, encoder, this.#options.doc, this)
      // Our step 2 answers the server's step 1 and carries everything it lacks.
      if (kind === syncProtocol.messageYjsSyncStep1) {
        this.#sendUpdateFrame(encoding.toUint8Array(encoder), { allThrough: this.#localSeq })
      }
      if (kind === syncProtocol.messageYjsSyncStep2) {
        this.#authRetried = false
        this.#setState('synced')
      }
    } else if (type === MessageType.awareness) {
      awarenessProtocol.applyAwarenessUpdate(
        this.#options.awareness,
        decoding.readVarUint8Array(decoder),
        this,
      )
    } else if (type === MessageType.ack) {
      this.#onAck(readAckCount(decoder))
    }
  }

  #onAck(count: number): void {
    const covered = this.#sentCovers[count - 1]
    if (covered === undefined) return
    if (covered > this.#confirmedSeq) this.#confirmedSeq = covered
    this.#lastConfirmedAt = (this.#options.now ?? Date.now)()
    this.#emitStatus()
  }

  #onClose(socket: WebSocket, code: number): void {
    if (socket !== this.#socket) return
    this.#socket = undefined
    clearTimeout(this.#openTimer)
    const { awareness } = this.#options
    const others = [...awareness.getStates().keys()].filter((id) => id !== awareness.clientID)
    awarenessProtocol.removeAwarenessStates(awareness, others, this)
    if (!this.#wanted) this.#setState('offline')
    else if (AUTH_CODES.has(code)) {
      this.#options.onAuthRefused?.()
      // One fresh token may still be granted (a password change closes the
      // user's other connections but keeps this session). If the server
      // refuses that one too, or no token is granted, stop: needs-auth.
      if (this.#authRetried) this.#setState('needs-auth')
      else {
        this.#authRetried = true
        void this.#open()
      }
    } else this.#scheduleRetry()
  }

  /** Waits the backoff, or longer when the server said how long (429 Retry-After). */
  #scheduleRetry(atLeastMs = 0): void {
    this.#setState('offline')
    if (!this.#wanted) return
    const delay = Math.max(atLeastMs, backoffDelay(this.#attempt++, this.#options.backoff))
    this.#retryTimer = setTimeout(() => void this.#open(), delay)
  }

  #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || this.#restoring || this.#options.readOnly?.()) return
    this.#localSeq += 1
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.sync)
    syncProtocol.writeUpdate(encoder, update)
    this.#sendUpdateFrame(encoding.toUint8Array(encoder), { update: this.#localSeq })
    this.#emitStatus()
  }

  #onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this) return
    const changed = added.concat(updated, removed)
    this.#sendAwareness(awarenessProtocol.encodeAwarenessUpdate(this.#options.awareness, changed))
  }

  /**
   * Sends an update-carrying frame: a step 2, which carries every local
   * update so far, or the local update numbered `update`.
   */
  #sendUpdateFrame(
    frame: Uint8Array<ArrayBuffer>,
    carries: { allThrough: number } | { update: number },
  ): void {
    const socket = this.#socket
    if (!socket || socket.readyState !== socket.OPEN) return
    socket.send(frame)
    if ('allThrough' in carries) this.#sentThrough = Math.max(this.#sentThrough, carries.allThrough)
    else if (carries.update === this.#sentThrough + 1) this.#sentThrough = carries.update
    this.#sentCovers.push(this.#sentThrough)
  }

  #sendAwareness(update: Uint8Array): void {
    const socket = this.#socket
    if (!socket || socket.readyState !== socket.OPEN) return
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.awareness)
    encoding.writeVarUint8Array(encoder, update)
    socket.send(encoding.toUint8Array(encoder))
  }

  #setState(state: SyncState): void {
    if (this.#state === state) return
    this.#state = state
    this.#emitStatus()
  }

  #emitStatus(): void {
    this.emit('status', [this.status])
  }
}
