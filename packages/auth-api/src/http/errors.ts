// The edge where errors become responses: every failure leaves as
// `{ error: { code, message, fields? } }` with the catalogue's status.
import type { Hook } from '@hono/zod-openapi'
import type { ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { Logger } from 'pino'
import { AuthError, toAuthError } from '../errors.ts'
import type { AuthEnv } from './env.ts'

export function errorHandler(logger: Logger): ErrorHandler {
  return function onAuthError(error, c) {
    const failure =
      error instanceof HTTPException && !(error instanceof AuthError)
        ? fromHttpException(error)
        : toAuthError(error)
    if (failure.code === 'internal')
      logger.error({ err: error, path: c.req.path }, 'request failed')
    if (failure.retryAfter !== undefined) c.header('Retry-After', String(failure.retryAfter))
    c.header('Cache-Control', 'no-store')
    return c.json(failure.toBody(), failure.status)
  }
}

export const notFound: NotFoundHandler = (c) =>
  c.json(new AuthError('not_found', `no route for ${c.req.method} ${c.req.path}`).toBody(), 404)

/** Hono's own 4xx (malformed JSON, body limit) in our body shape. */
function fromHttpException(error: HTTPException): AuthError {
  if (error.status === 413) return new AuthError('payload_too_large', 'request body is too large')
  if (error.status === 415) return new AuthError('unsupported_media_type', error.message)
  if (error.status >= 400 && error.status < 500) {
    return new AuthError('invalid_request', error.message || 'invalid request')
  }
  return new AuthError('internal', 'internal error', { cause: error })
}

/** zod-openapi's validation hook: a 400 naming every bad field. */
export const validationHook: Hook<unknown, AuthEnv, string, unknown> = (result) => {
  if (result.success) return
  const fields: Record<string, string> = {}
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '(body)'
    fields[key] ??= issue.message
  }
  throw new AuthError('validation_failed', `invalid ${Object.keys(fields).join(', ')}`, { fields })
}
