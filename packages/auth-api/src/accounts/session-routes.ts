// Ending sessions: this one (logout) or all of the user's (logout-all). The
// latter also tells the sync servers, through the outbox, to close the
// user's live connections.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AuthDeps } from '../deps.ts'
import type { AuthEnv } from '../http/env.ts'
import { noContent } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'
import { clearSessionCookie } from './session-cookie.ts'
import { invalidateSession } from './sessions.ts'

const tags = ['accounts']

const logout = createRoute({
  method: 'post',
  path: '/logout',
  tags,
  summary: 'End the current session',
  responses: noContent,
})

const logoutAll = createRoute({
  method: 'post',
  path: '/logout-all',
  tags,
  summary: 'End every session of the user and close their live sync connections',
  responses: noContent,
})

export function sessionRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()

  app.openapi(logout, async (c) => {
    const session = requireSession(c)
    await invalidateSession(deps, session.sessionId)
    clearSessionCookie(c, deps.settings)
    return c.body(null, 204)
  })

  app.openapi(logoutAll, async (c) => {
    const userId = requireSession(c).user.id
    await deps.database.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute()
      // Published after commit and retried until done, even if this process dies now.
      await deps.outbox.enqueueAccessChange(trx, { kind: 'user', userId, at: deps.now() })
    })
    await deps.outbox.kick()
    clearSessionCookie(c, deps.settings)
    return c.body(null, 204)
  })

  return app
}
