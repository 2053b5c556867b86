// For the notifier: every subscription with its calendar's zone, where it
// reports how a fetch went (shown to members in the subscription list), and
// a user's webhook endpoint.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse, noContent, Text } from '../http/openapi.ts'

const DueSubscriptions = z
  .object({
    subscriptions: z.array(
      z.object({ id: z.string(), calendarId: z.string(), url: z.string(), timeZone: z.string() }),
    ),
  })
  .openapi('DueSubscriptions')

const FetchReport = z
  .object({ at: z.number().int().nonnegative(), error: Text().max(1000).nullable() })
  .openapi('FetchReport')

/** Mounted by accessCheckRoutes' app, after its secret check on /internal/*. */
export function subscriptionInternalRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database
  app.openapi(
    createRoute({
      method: 'get',
      path: '/internal/subscriptions',
      tags: ['internal'],
      responses: { 200: jsonResponse(DueSubscriptions, 'every subscription'), ...errorResponses },
    }),
    async (c) => {
      const rows = await db
        .selectFrom('subscriptions')
        .innerJoin('calendars', 'calendars.id', 'subscriptions.calendar_id')
        .select([
          'subscriptions.id',
          'subscriptions.calendar_id',
          'subscriptions.url',
          'calendars.time_zone',
        ])
        .orderBy('subscriptions.id')
        .execute()
      return c.json(
        {
          subscriptions: rows.map((row) => ({
            id: row.id,
            calendarId: row.calendar_id,
            url: row.url,
            timeZone: row.time_zone,
          })),
        },
        200,
      )
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/internal/subscriptions/{id}/report',
      tags: ['internal'],
      request: {
        params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
        body: jsonBody(FetchReport),
      },
      responses: noContent,
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const { at, error } = c.req.valid('json')
      const updated = await db
        .updateTable('subscriptions')
        .set({ last_fetched_at: at, last_error: error })
        .where('id', '=', id)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) === 0)
        throw new AuthError('not_found', 'no such subscription')
      return c.body(null, 204)
    },
  )
  // A user's webhook endpoint, asked at delivery time so a change applies at once.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/internal/users/{id}/webhook',
      tags: ['internal'],
      request: { params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }) },
      responses: {
        200: jsonResponse(z.object({ url: z.string(), secret: z.string() }), 'the endpoint'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const row = await db
        .selectFrom('webhooks')
        .select(['url', 'secret'])
        .where('user_id', '=', c.req.valid('param').id)
        .executeTakeFirst()
      if (!row) throw new AuthError('not_found', 'no webhook')
      return c.json({ url: row.url, secret: row.secret }, 200)
    },
  )
  return app
}
