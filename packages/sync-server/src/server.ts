// createSyncServer: wires storage, the sync engine, the HTTP routes and the
// WebSocket endpoint into one server with listen() and close().
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CloseCode } from '@plansync/protocol'
import type { PubSub } from '@plansync/pubsub'
import pino, { type Logger } from 'pino'
import { type WebSocket, WebSocketServer } from 'ws'
import type { AccessChecker } from './auth/access-checker.ts'
import { createAccessControl } from './auth/access-control.ts'
import type { Principal, TokenVerifier } from './auth/verifier.ts'
import { AwarenessRelay } from './cluster/awareness-relay.ts'
import { DocLeases } from './cluster/doc-leases.ts'
import { createLocalLeases, type Leases } from './cluster/lease.ts'
import type { Membership } from './cluster/membership.ts'
import type { Relay } from './cluster/relay.ts'
import { defaults as configDefaults } from './config.ts'
import { Connection } from './connection.ts'
import type { SharedDoc } from './docs/shared-doc.ts'
import { SyncError, toSyncError } from './errors.ts'
import { createHttpRoutes, type RequestHandler } from './http-routes.ts'
import { createSyncMetrics, type SyncMetrics } from './metrics.ts'
import type { DocStore } from './storage/types.ts'
import { SyncEngine } from './sync-engine.ts'
import { type AcceptedUpgrade, handleUpgrade } from './upgrade.ts'
import { decodeIncoming } from './wire/incoming.ts'

export interface SyncServerOptions {
  store: DocStore
  verifier: TokenVerifier
  logger?: Logger
  /** URL path prefix of the WebSocket endpoint: `${syncPath}/<docName>`. */
  syncPath?: string
  allowedOrigins?: readonly string[]
  maxMessageBytes?: number
  maxAwarenessBytes?: number
  maxBufferedBytes?: number
  maxPendingBytes?: number
  maxNestingDepth?: number
  commitWindowMs?: number
  compaction?: { rows: number; bytes: number }
  /** Handles HTTP requests other than /healthz, /readyz and /metrics. */
  fallback?: RequestHandler
  /** Where the auth API announces access changes (ACCESS_CHANGES_CHANNEL). */
  pubsub?: PubSub
  /** Asks the auth API for current roles every `accessRecheckMs`. */
  accessChecker?: AccessChecker
  accessRecheckMs?: number
  /**
   * Several instances over one storage: durable updates relayed between
   * them, awareness over `pubsub` (required then), once-per-doc work
   * (compaction, seats) under Redis leases. Without it, this process is alone.
   */
  cluster?: ClusterOptions
  /** Told the name of every doc a commit changed, on this instance (never throws back). */
  onDocChanged?: (docName: string) => void
}

export interface ClusterOptions {
  instanceId: string
  relay: Relay
  leases: Leases
  /** The TTL `leases` were made with: renewed every quarter, seats retried after one. */
  leaseTtlMs: number
  /** The live instances, served at `GET /cluster` (started and stopped by the caller). */
  membership?: Membership
}

export interface SyncServer {
  readonly http: Server
  readonly engine: SyncEngine
  readonly metrics: SyncMetrics
  /** Runs the access recheck now (it also runs every `accessRecheckMs`). */
  recheckAccess(): Promise<void>
  listen(port: number, host: string): Promise<string>
  /** Stops accepting, closes sockets with 1001, flushes storage, closes it. */
  close(options?: { timeoutMs?: number }): Promise<void>
}

/** The same defaults as the environment's (config.ts), for library users. */
const defaults = {
  syncPath: configDefaults.SYNC_PATH,
  maxMessageBytes: configDefaults.SYNC_MAX_MESSAGE_BYTES,
  maxAwarenessBytes: configDefaults.SYNC_MAX_AWARENESS_BYTES,
  maxBufferedBytes: configDefaults.SYNC_MAX_BUFFERED_BYTES,
  maxPendingBytes: configDefaults.SYNC_MAX_PENDING_BYTES,
  maxNestingDepth: configDefaults.SYNC_MAX_NESTING_DEPTH,
  commitWindowMs: configDefaults.SYNC_COMMIT_WINDOW_MS,
  compaction: { rows: configDefaults.SYNC_COMPACT_ROWS, bytes: configDefaults.SYNC_COMPACT_BYTES },
  accessRecheckMs: configDefaults.SYNC_ACCESS_RECHECK_MS,
}

const HEARTBEAT_MS = 30_000
/** How long shutdown waits for clients to answer the close frame before cutting them off. */
const CLOSE_GRACE_MS = 1_000

export function createSyncServer(options: SyncServerOptions): SyncServer {
  const o = { ...defaults, ...options }
  const logger = o.logger ?? pino({ level: 'silent' })
  let closing = false
  let engine: SyncEngine | undefined
  const metrics = createSyncMetrics({
    pendingBytes: () => engine?.committer.pendingBytes ?? 0,
    logRows: () => o.store.totalLogRows(),
  })
  const leases = new DocLeases({
    leases: o.cluster?.leases ?? createLocalLeases(),
    renewEveryMs: o.cluster ? Math.floor(o.cluster.leaseTtlMs / 4) : 1_000,
    logger: logger.child({ module: 'leases' }),
    storedFence: (docName) => o.store.fenceOf(docName),
    metrics: {
      acquired: metrics.leasesAcquired,
      lost: metrics.leasesLost,
      refused: metrics.fencedWritesRefused,
    },
  })
  if (o.cluster && !o.pubsub) throw new Error('a cluster needs pubsub for awareness')
  const cluster = o.cluster &&
    o.pubsub && {
      relay: o.cluster.relay,
      awareness: new AwarenessRelay({
        pubsub: o.pubsub,
        instanceId: o.cluster.instanceId,
        logger: logger.child({ module: 'awareness-relay' }),
      }),
    }
  engine = new SyncEngine({
    ...o,
    logger,
    metrics,
    leases,
    cluster,
    seatRetryMs: o.cluster?.leaseTtlMs,
  })
  const sync = engine
  const http = createServer(
    createHttpRoutes({
      store: o.store,
      registry: metrics.registry,
      isClosing: () => closing,
      cluster: o.cluster?.membership && {
        instanceId: o.cluster.instanceId,
        membership: o.cluster.membership,
        holds: (docName) => sync.registry.get(docName) !== undefined,
      },
      fallback: o.fallback,
    }),
  )
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxMessageBytes })
  const access = createAccessControl({
    verifier: o.verifier,
    pubsub: o.pubsub,
    accessChecker: o.accessChecker,
    accessRecheckMs: o.accessRecheckMs,
    docs: () => sync.registry.docs(),
    logger: logger.child({ module: 'access' }),
    metrics,
  })
  const alive = new WeakSet<WebSocket>()

  function accept(socket: WebSocket, upgrade: AcceptedUpgrade): void {
    const { doc, acks } = upgrade
    let principal: Principal
    try {
      // Again: an access change may have arrived while the doc was loading,
      // after the verifier admitted the token but before this connection was
      // live for applyAccessChange to see.
      principal = access.admit(upgrade.principal, doc.name)
    } catch (error) {
      const refusal = toSyncError(error)
      logger.info({ code: refusal.code, doc: doc.name }, 'access changed during the upgrade')
      metrics.closes.inc({ code: String(refusal.closeCode) })
      socket.close(refusal.closeCode, refusal.message)
      return
    }
    const id = randomUUID()
    const connLogger = logger.child({ conn: id, doc: doc.name, user: principal.userId })
    // Options first: spread last, `o.logger` (the root logger) replaced
    // connLogger and connection lines lost their conn/doc/user fields.
    const conn = new Connection({ ...o, id, socket, principal, acks, logger: connLogger, metrics })
    metrics.connections.inc()
    alive.add(socket)
    socket.on('pong', () => alive.add(socket))
    socket.on('message', (data, isBinary) => onMessage(conn, doc, data as Buffer, isBinary))
    socket.on('error', (error) => {
      // ws reports oversized frames and protocol violations here, then closes.
      connLogger.warn({ err: error }, 'socket error')
      if ((error as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        metrics.closes.inc({ code: String(CloseCode.messageTooBig) })
      }
    })
    socket.on('close', () => {
      metrics.connections.dec()
      sync.detach(conn, doc)
    })
    sync.attach(conn, doc)
    connLogger.debug({ role: principal.role }, 'connection accepted')
  }

  function onMessage(conn: Connection, doc: SharedDoc, data: Buffer, isBinary: boolean): void {
    if (conn.closing) return
    metrics.bytesIn.inc(data.byteLength)
    try {
      if (!isBinary) throw new SyncError('unsupported_data', 'text frames are not supported')
      sync.handle(conn, doc, decodeIncoming(data))
    } catch (error) {
      const failure = toSyncError(error)
      if (failure.code === 'internal') conn.logger.error({ err: error }, 'message handling failed')
      else conn.logger.warn({ code: failure.code, reason: failure.message }, 'rejected message')
      conn.close(failure.closeCode, failure.message)
    }
  }

  http.on('upgrade', (request, socket, head) => {
    socket.on('error', () => socket.destroy())
    handleUpgrade(
      {
        syncPath: o.syncPath,
        allowedOrigins: o.allowedOrigins ?? [],
        verifier: access.verifier,
        wss,
        acquire: (name) => sync.registry.acquire(name),
        release: (doc) => sync.registry.release(doc),
        isClosing: () => closing,
        onAccepted: accept,
        onRefused: (error, req) =>
          logger.info({ code: error.code, reason: error.message, url: req.url }, 'upgrade refused'),
      },
      request,
      socket,
      head,
    ).catch((error: unknown) => {
      // A bug in the upgrade path costs one socket, never the process (an
      // unhandled rejection would exit it).
      logger.error({ err: error, url: request.url }, 'upgrade failed')
      socket.destroy()
    })
  })

  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.has(socket)) {
        socket.terminate()
        continue
      }
      alive.delete(socket)
      socket.ping()
    }
  }, HEARTBEAT_MS)
  heartbeat.unref()

  return {
    http,
    engine: sync,
    metrics,
    recheckAccess: () => access.recheck(),
    async listen(port, host) {
      // Access changes must be heard before the first connection is accepted,
      // and the relay must be reading before the first doc loads.
      await access.ready()
      await cluster?.relay.start({
        onUpdate: (docName, update) => sync.applyRemote(docName, update),
        onResync: (filter) => void sync.resync(filter),
      })
      return new Promise((resolve, reject) => {
        http.once('error', reject)
        http.listen(port, host, () => {
          http.off('error', reject)
          const address = http.address() as AddressInfo
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
          resolve(`http://${shownHost}:${address.port}`)
        })
      })
    },
    async close({ timeoutMs = 10_000 } = {}) {
      if (closing) return
      closing = true
      clearInterval(heartbeat)
      await access.close()
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()))
      for (const socket of wss.clients) socket.close(CloseCode.goingAway, 'server shutting down')
      const deadline = performance.now() + timeoutMs
      // A pending seat allocation runs again when the doc next loads.
      const flushed = sync.seats
        .close()
        .then(() => sync.flush())
        .then(() => cluster?.relay.drain(Math.max(0, deadline - performance.now())))
        .then(() => true)
      const timedOut = new Promise<boolean>((resolve) =>
        setTimeout(() => resolve(false), timeoutMs).unref(),
      )
      if (!(await Promise.race([flushed, timedOut]))) {
        logger.error(
          { pendingBytes: sync.committer.pendingBytes },
          'shutdown: storage did not flush in time',
        )
      }
      // Cutting a socket whose close handshake is still under way (a busy
      // writer) resets it, and the client sees 1006 instead of 1001.
      const graceMs = Math.min(CLOSE_GRACE_MS, Math.max(0, deadline - performance.now()))
      await waitForClosed([...wss.clients], graceMs)
      for (const socket of wss.clients) socket.terminate()
      http.closeAllConnections()
      await stopped
      await cluster?.awareness.close()
      await cluster?.relay.close()
      await leases.close()
      await o.store.close()
    },
  }
}

/** Resolves once every socket closed, or after `ms`. */
function waitForClosed(sockets: WebSocket[], ms: number): Promise<void> {
  const open = sockets.filter((socket) => socket.readyState !== socket.CLOSED)
  if (open.length === 0 || ms <= 0) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    timer.unref()
    let left = open.length
    for (const socket of open) {
      socket.once('close', () => {
        left -= 1
        if (left === 0) {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  })
}
