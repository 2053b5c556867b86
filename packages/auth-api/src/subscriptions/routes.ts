// A calendar's subscriptions to external ICS URLs: editors add and remove
// them, members list them with how the last fetch went. The notifier
// fetches them (GET /internal/subscriptions) and reports back.
import { randomUUID } from 'node:crypto'
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { requireCalendarRole } from '../calendars/access.ts'
import { CalendarParams } from '../calendars/schemas.ts'
import type { SubscriptionsTable } from '../db/schema.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse, noContent } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'
import { CreateSubscriptionBody, Subscription, SubscriptionList } from './schemas.ts'

const tags = ['subscriptions']
/** Each one is fetched every few minutes: a bound on what one calendar asks of the notifier. */
const MAX_PER_CALENDAR = 10

export const toSubscriptionJson = (row: SubscriptionsTable) => ({
  id: row.id,
  calendarId: row.calendar_id,
  url: row.url,
  createdAt: Number(row.created_at),
  lastFetchedAt: row.last_fetched_at === null ? null : Number(row.last_fetched_at),
  lastError: row.last_error,
})

export function subscriptionRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database
  const SubscriptionParams = CalendarParams.extend({
    subscriptionId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .openapi({ param: { name: 'subscriptionId', in: 'path' } }),
  })

  app.openapi(
    createRoute({
      method: 'post',
      path: '/calendars/{id}/subscriptions',
      tags,
      request: { params: CalendarParams, body: jsonBody(CreateSubscriptionBody) },
      responses: {
        201: jsonResponse(z.object({ subscription: Subscription }), 'subscribed'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id } = c.req.valid('param')
      const { url } = c.req.valid('json')
      await requireCalendarRole(db, user.id, id, 'editor')
      const { count } = await db
        .selectFrom('subscriptions')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('calendar_id', '=', id)
        .executeTakeFirstOrThrow()
      if (Number(count) >= MAX_PER_CALENDAR) {
        throw new AuthError('conflict', `at most ${MAX_PER_CALENDAR} subscriptions per calendar`)
      }
      const row: SubscriptionsTable = {
        id: randomUUID(),
        calendar_id: id,
        url,
        created_by: user.id,
        created_at: deps.now(),
        last_fetched_at: null,
        last_error: null,
      }
      await db.insertInto('subscriptions').values(row).execute()
      return c.json({ subscription: toSubscriptionJson(row) }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calendars/{id}/subscriptions',
      tags,
      request: { params: CalendarParams },
      responses: { 200: jsonResponse(SubscriptionList, 'the subscriptions'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id } = c.req.valid('param')
      await requireCalendarRole(db, user.id, id, 'viewer')
      const rows = await db
        .selectFrom('subscriptions')
        .selectAll()
        .where('calendar_id', '=', id)
        .orderBy('created_at')
        .execute()
      return c.json({ subscriptions: rows.map(toSubscriptionJson) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/calendars/{id}/subscriptions/{subscriptionId}',
      tags,
      request: { params: SubscriptionParams },
      responses: noContent,
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id, subscriptionId } = c.req.valid('param')
      await requireCalendarRole(db, user.id, id, 'editor')
      const deleted = await db
        .deleteFrom('subscriptions')
        .where('id', '=', subscriptionId)
        .where('calendar_id', '=', id)
        .executeTakeFirst()
      if (Number(deleted.numDeletedRows) === 0)
        throw new AuthError('not_found', 'no such subscription')
      return c.body(null, 204)
    },
  )
  return app
}
