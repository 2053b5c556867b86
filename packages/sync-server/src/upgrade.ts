// The WebSocket upgrade path, in the order the invariants need:
// path and doc name, Origin allowlist, token verification, then the doc is
// loaded (pinned), and only then the socket is accepted and attached.
// Refusals after the handshake use named close codes so clients can tell
// "re-authenticate" from "retry later"; a foreign Origin never gets a socket.
import { type IncomingMessage, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { ACK_QUERY_PARAM, docNameFromPath, SYNC_TOKEN_QUERY_PARAM } from '@plansync/protocol'
import type { WebSocket, WebSocketServer } from 'ws'
import { checkOrigin } from './auth/origin.ts'
import type { Principal, TokenVerifier } from './auth/verifier.ts'
import type { SharedDoc } from './docs/shared-doc.ts'
import { SyncError, toSyncError } from './errors.ts'

export interface UpgradeContext {
  syncPath: string
  allowedOrigins: readonly string[]
  verifier: TokenVerifier
  wss: WebSocketServer
  acquire: (docName: string) => Promise<SharedDoc>
  release: (doc: SharedDoc) => void
  isClosing: () => boolean
  onAccepted: (socket: WebSocket, accepted: AcceptedUpgrade) => void
  onRefused: (error: SyncError, request: IncomingMessage) => void
}

export interface AcceptedUpgrade {
  doc: SharedDoc
  principal: Principal
  acks: boolean
}

export async function handleUpgrade(
  ctx: UpgradeContext,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  // URL.parse, not `new URL`: a request target such as `//` does not parse,
  // and a throw here (outside any try) used to crash the process.
  const url = URL.parse(request.url ?? '/', 'http://localhost')
  if (!url) return rejectHttp(socket, 400, 'protocol_error', 'malformed request URL')
  if (!url.pathname.startsWith(`${ctx.syncPath}/`)) {
    return rejectHttp(socket, 404, 'not_found', 'no WebSocket endpoint at this path')
  }
  try {
    checkOrigin(request.headers.origin, request.headers.host, ctx.allowedOrigins)
  } catch (error) {
    const refusal = toSyncError(error)
    ctx.onRefused(refusal, request)
    return rejectHttp(socket, refusal.status, refusal.code, refusal.message)
  }
  let doc: SharedDoc | undefined
  let accepted: AcceptedUpgrade | undefined
  let refusal: SyncError | undefined
  try {
    if (ctx.isClosing()) throw new SyncError('shutting_down', 'server is shutting down')
    const ref = docNameFromPath(url.pathname.slice(ctx.syncPath.length))
    if (!ref) throw new SyncError('invalid_doc_name', 'invalid doc name')
    const principal = await ctx.verifier.verify({
      docName: ref.name,
      token: url.searchParams.get(SYNC_TOKEN_QUERY_PARAM) ?? undefined,
      params: url.searchParams,
    })
    doc = await ctx.acquire(ref.name)
    accepted = { doc, principal, acks: url.searchParams.get(ACK_QUERY_PARAM) === '1' }
  } catch (error) {
    refusal = toSyncError(error)
  }
  let upgraded = false
  ctx.wss.handleUpgrade(request, socket, head, (ws) => {
    upgraded = true
    if (accepted) return ctx.onAccepted(ws, accepted)
    const error = refusal ?? new SyncError('internal', 'upgrade failed')
    ctx.onRefused(error, request)
    ws.close(error.closeCode, error.message.slice(0, 120))
  })
  // handleUpgrade calls back synchronously unless the socket died meanwhile.
  if (doc) ctx.release(doc)
  if (!upgraded) socket.destroy()
}

function rejectHttp(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } })
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}
