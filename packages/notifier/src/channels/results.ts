// Constructors for DeliveryResult, so channels read as the outcome they report.
import type { DeliveryErrorCode, DeliveryResult } from './types.ts'

export const delivered = (detail?: string): DeliveryResult =>
  detail === undefined ? { status: 'delivered' } : { status: 'delivered', detail }

export const retryable = (
  code: DeliveryErrorCode,
  message: string,
  retryAfterMs?: number,
): DeliveryResult =>
  retryAfterMs === undefined
    ? { status: 'retryable', code, message }
    : { status: 'retryable', code, message, retryAfterMs }

export const permanent = (code: DeliveryErrorCode, message: string): DeliveryResult => ({
  status: 'permanent',
  code,
  message,
})

/** Thrown by validators inside a channel and turned into a permanent result by `refusal`. */
export class DeliveryRefusal extends Error {
  override readonly name = 'DeliveryRefusal'
  readonly code: DeliveryErrorCode
  constructor(code: DeliveryErrorCode, message: string) {
    super(message)
    this.code = code
  }
}

/** The result for an error caught around a send: a refusal is permanent, anything else is not. */
export function resultOfError(error: unknown, signal?: AbortSignal): DeliveryResult {
  if (error instanceof DeliveryRefusal) return permanent(error.code, error.message)
  if (signal?.aborted) return retryable('aborted', 'the send was aborted')
  return retryable('unexpected', error instanceof Error ? error.message : String(error))
}
