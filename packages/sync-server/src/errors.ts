// The sync server's error catalogue: one error type with a stable code that
// maps to an HTTP status (refused upgrade) and a WebSocket close code.
import { CloseCode } from '@plansync/protocol'

const catalogue = {
  invalid_doc_name: { status: 400, close: CloseCode.invalidDocName },
  unauthorized: { status: 401, close: CloseCode.unauthorized },
  forbidden: { status: 403, close: CloseCode.forbidden },
  origin_not_allowed: { status: 403, close: CloseCode.forbidden },
  not_found: { status: 404, close: CloseCode.protocolError },
  protocol_error: { status: 400, close: CloseCode.protocolError },
  unsupported_data: { status: 400, close: CloseCode.unsupportedData },
  invalid_update: { status: 400, close: CloseCode.invalidUpdate },
  invalid_awareness: { status: 400, close: CloseCode.invalidAwareness },
  message_too_big: { status: 413, close: CloseCode.messageTooBig },
  overloaded: { status: 503, close: CloseCode.tryAgainLater },
  doc_unavailable: { status: 503, close: CloseCode.docUnavailable },
  shutting_down: { status: 503, close: CloseCode.goingAway },
  internal: { status: 500, close: CloseCode.internalError },
} as const satisfies Record<string, { status: number; close: number }>

export type SyncErrorCode = keyof typeof catalogue

export class SyncError extends Error {
  readonly code: SyncErrorCode

  constructor(code: SyncErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'SyncError'
    this.code = code
  }

  get status(): number {
    return catalogue[this.code].status
  }

  get closeCode(): number {
    return catalogue[this.code].close
  }
}

/** Unknown errors become `internal` so the edges always have a code to send. */
export function toSyncError(error: unknown): SyncError {
  if (error instanceof SyncError) return error
  return new SyncError('internal', 'internal error', { cause: error })
}
