// Errors in plain words: the server's own message for API errors (it is
// written for people), and a sentence for the ones the browser raises.
import { ApiError, IcsImportError } from '@plansync/client-sdk'

/** An error whose message is written for the user, shown as it is. */
export class Problem extends Error {
  override name = 'Problem'
}

export function plainError(error: unknown): string {
  if (error instanceof Problem) return error.message
  // The server's messages are written for people (a 429 says when to retry).
  if (error instanceof ApiError) return error.message
  if (error instanceof IcsImportError) return error.message
  if (error instanceof TypeError) {
    return navigator.onLine
      ? 'The server cannot be reached right now. Try again in a moment.'
      : 'You are offline. This needs a connection; try again when you are back online.'
  }
  if (error instanceof Error && error.name === 'SchemaError') return error.message
  return 'Something went wrong. Try again.'
}

/** The server's complaint about one form field, if any. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fields?.[field] : undefined
}
