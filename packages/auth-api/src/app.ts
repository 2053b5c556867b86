// createAuthApp: the auth API as a Hono app under /auth. Routes validate with
// zod schemas that also generate the OpenAPI document at /auth/openapi.json.
import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { accountDeletionRoutes } from './account-deletion/route.ts'
import { accountRoutes } from './accounts/routes.ts'
import { eventRoutes } from './calendars/event-routes.ts'
import { memberRoutes } from './calendars/member-routes.ts'
import { calendarRoutes } from './calendars/routes.ts'
import type { AuthDeps } from './deps.ts'
import { AuthError } from './errors.ts'
import { feedRoutes } from './feeds/routes.ts'
import type { AuthEnv } from './http/env.ts'
import { errorHandler, notFound, validationHook } from './http/errors.ts'
import { sessionAuth } from './http/session-auth.ts'
import { accessCheckRoutes } from './internal/access-check-route.ts'
import { inviteAnswerRoutes } from './invites/answer-routes.ts'
import { inviteManageRoutes } from './invites/manage-routes.ts'
import { subscriptionRoutes } from './subscriptions/routes.ts'
import { syncTokenRoutes } from './sync-tokens/routes.ts'
import { webhookRoutes } from './webhooks/routes.ts'

export const AUTH_BASE_PATH = '/auth'
/** Bodies are small JSON documents; anything bigger is refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024

export function createAuthApp(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook }).basePath(AUTH_BASE_PATH)
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AuthError('payload_too_large', `request body is over ${MAX_BODY_BYTES} bytes`)
      },
    }),
  )
  app.use(sessionAuth(deps))
  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/readyz', async (c) => {
    await deps.database.ping().catch((error: unknown) => {
      throw new AuthError('unavailable', 'database unreachable', { cause: error })
    })
    return c.json({ status: 'ready', storage: deps.database.kind })
  })
  for (const routes of [
    accountRoutes,
    accountDeletionRoutes,
    calendarRoutes,
    eventRoutes,
    memberRoutes,
    inviteManageRoutes,
    inviteAnswerRoutes,
    syncTokenRoutes,
    feedRoutes,
    subscriptionRoutes,
    webhookRoutes,
    accessCheckRoutes,
  ]) {
    app.route('/', routes(deps))
  }
  // The public keys sync servers verify tokens with (standard JWKS document).
  app.get('/.well-known/jwks.json', (c) => {
    c.header('Cache-Control', 'public, max-age=300')
    return c.json(deps.syncTokens.publicJwks)
  })
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'plansync auth API', version: '0.1.0' },
  })
  app.onError(errorHandler(deps.logger))
  app.notFound(notFound)
  return app
}
