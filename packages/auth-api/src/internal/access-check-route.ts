// The internal routes, guarded by a shared secret compared in constant time;
// without a configured secret they do not exist. POST /internal/access-check
// is the sync servers' periodic recheck (see @plansync/protocol
// access-check.ts); the recipients of calendars and events, feeds,
// subscriptions, webhooks and invite notices are for the notifier.
import { createHash, timingSafeEqual } from 'node:crypto'
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { MAX_ACCESS_CHECKS, MAX_DOC_NAME_LENGTH } from '@plansync/protocol'
import { roleOnDoc } from '../calendars/access.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse, Text } from '../http/openapi.ts'
import { feedResolveRoutes } from './feed-resolve-route.ts'
import { inviteNoticeRoutes } from './invite-notices-route.ts'
import { recipientsRoutes } from './recipients-route.ts'
import { subscriptionInternalRoutes } from './subscriptions-route.ts'

const AccessCheckBody = z
  .object({
    checks: z
      .array(
        z.object({
          userId: Text().min(1).max(64),
          doc: Text().min(1).max(MAX_DOC_NAME_LENGTH),
        }),
      )
      .max(MAX_ACCESS_CHECKS),
  })
  .openapi('AccessCheckBody')
const AccessCheckResult = z
  .object({ roles: z.array(z.enum(['owner', 'editor', 'viewer']).nullable()) })
  .openapi('AccessCheckResult')

const digest = (value: string) => createHash('sha256').update(value).digest()

export function accessCheckRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const secret = deps.settings.internalSecret
  if (secret === undefined) return app
  const expected = digest(`Bearer ${secret}`)
  // Before validation: an unauthenticated caller learns nothing about the body rules.
  app.use('/internal/*', async (c, next) => {
    // Hashing both sides gives equal lengths for timingSafeEqual.
    if (!timingSafeEqual(digest(c.req.header('authorization') ?? ''), expected)) {
      throw new AuthError('unauthorized', 'internal route: wrong or missing secret')
    }
    await next()
  })
  app.openapi(
    createRoute({
      method: 'post',
      path: '/internal/access-check',
      tags: ['internal'],
      request: { body: jsonBody(AccessCheckBody) },
      responses: {
        200: jsonResponse(AccessCheckResult, 'roles in request order'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { checks } = c.req.valid('json')
      const { db } = deps.database
      const roles = await Promise.all(checks.map(({ userId, doc }) => roleOnDoc(db, userId, doc)))
      return c.json({ roles }, 200)
    },
  )
  app.route('/', recipientsRoutes(deps))
  app.route('/', feedResolveRoutes(deps))
  app.route('/', subscriptionInternalRoutes(deps))
  app.route('/', inviteNoticeRoutes(deps))
  return app
}
