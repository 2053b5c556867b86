// POST /sync-tokens: a short-lived signed token for one doc, with the
// caller's current role on it. Unknown docs and docs the caller cannot see
// get the same 403, so the route reveals nothing about what exists.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { MAX_DOC_NAME_LENGTH } from '@plansync/protocol'
import { roleOnDoc } from '../calendars/access.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'

const SyncTokenBody = z
  .object({ doc: z.string().min(1).max(MAX_DOC_NAME_LENGTH).openapi({ example: 'calendar:abc' }) })
  .openapi('SyncTokenBody')
const SyncToken = z
  .object({ token: z.string(), expiresAt: z.number(), role: z.enum(['owner', 'editor', 'viewer']) })
  .openapi('SyncToken')

export function syncTokenRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  app.openapi(
    createRoute({
      method: 'post',
      path: '/sync-tokens',
      tags: ['sync'],
      request: { body: jsonBody(SyncTokenBody) },
      responses: { 200: jsonResponse(SyncToken, 'a token for the sync server'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { doc } = c.req.valid('json')
      await deps.rateLimits.consume('syncTokenUser', user.id)
      const role = await roleOnDoc(deps.database.db, user.id, doc)
      if (role === null) throw new AuthError('forbidden', 'no access to this doc')
      const { token, expiresAt } = await deps.syncTokens.sign({ userId: user.id, doc, role })
      c.header('Cache-Control', 'no-store')
      return c.json({ token, expiresAt, role }, 200)
    },
  )
  return app
}
