// Shared pieces of route definitions: JSON bodies and responses, and the
// one error body shape, for @hono/zod-openapi's createRoute.
import { z } from '@hono/zod-openapi'

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional(),
    }),
  })
  .openapi('Error')

/** A JSON body route definition, required so a wrong content type is refused. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } } as const
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const
}

export const errorResponses = {
  400: jsonResponse(ErrorResponse, 'invalid request'),
  401: jsonResponse(ErrorResponse, 'not signed in or wrong credentials'),
  403: jsonResponse(ErrorResponse, 'not allowed'),
  404: jsonResponse(ErrorResponse, 'not found (or not visible to the caller)'),
  409: jsonResponse(ErrorResponse, 'conflicts with the current state'),
  429: jsonResponse(ErrorResponse, 'rate limited'),
} as const

export const noContent = { 204: { description: 'done' }, ...errorResponses } as const

/**
 * Any string that reaches the database: Postgres text cannot hold NUL, so a
 * NUL would otherwise surface as a 500 there and be stored on SQLite.
 */
export const Text = () =>
  z.string().refine((value) => !value.includes('\0'), 'must not contain NUL characters')
