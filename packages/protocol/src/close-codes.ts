// WebSocket close codes shared by the sync server and its clients.
// 1xxx are the standard codes (RFC 6455 §7.4.1); 4xxx are plansync's own.
// A client that sees a 44xx code must not retry with the same credentials.

export const CloseCode = {
  /** Normal close: the server is shutting down or the doc was deleted. */
  normal: 1000,
  /** The server is going away (SIGTERM); reconnect elsewhere. */
  goingAway: 1001,
  /** A frame that is not a binary y-websocket message (e.g. text). */
  unsupportedData: 1003,
  /** A message that could not be decoded or violates the protocol. */
  protocolError: 1002,
  /** A frame over the configured size limit. */
  messageTooBig: 1009,
  /** An unexpected server error. */
  internalError: 1011,
  /** Try again later: storage unavailable, send buffer full, server overloaded. */
  tryAgainLater: 1013,
  /** No or invalid credentials. */
  unauthorized: 4401,
  /** Valid credentials without access to this doc. */
  forbidden: 4403,
  /** The doc name in the URL is not a valid plansync doc name. */
  invalidDocName: 4400,
  /** A Yjs update that fails to decode, nests too deep or references missing state. */
  invalidUpdate: 4422,
  /** An awareness update for clientIDs this connection does not own, or too large. */
  invalidAwareness: 4423,
  /** The doc could not be loaded from storage. */
  docUnavailable: 4503,
} as const

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode]

const namesByCode = new Map<number, string>(
  Object.entries(CloseCode).map(([name, code]) => [code, name]),
)

/** The catalogue name of a close code, e.g. `closeCodeName(4401) === 'unauthorized'`. */
export function closeCodeName(code: number): string | undefined {
  return namesByCode.get(code)
}
