// POST /internal/feeds/resolve: the notifier, serving a feed URL, asks what
// the secret in it shows: whose feed, which calendars (those the user still
// belongs to, checked now), and whether free/busy only. Unknown, rotated or
// revoked secrets, and feeds of calendars the user left, are a 404.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { calendarDocName } from '@plansync/protocol'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import { hashFeedSecret } from '../feeds/feed-secret.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'

const ResolveBody = z.object({ secret: z.string().min(1).max(128) }).openapi('ResolveFeedBody')
const ResolvedFeed = z
  .object({
    feed: z.object({
      id: z.string(),
      userId: z.string(),
      busyOnly: z.boolean(),
      calendars: z.array(
        z.object({ id: z.string(), name: z.string(), timeZone: z.string(), doc: z.string() }),
      ),
    }),
  })
  .openapi('ResolvedFeed')

/** Mounted by accessCheckRoutes' app, after its secret check on /internal/*. */
export function feedResolveRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database
  app.openapi(
    createRoute({
      method: 'post',
      path: '/internal/feeds/resolve',
      tags: ['internal'],
      request: { body: jsonBody(ResolveBody) },
      responses: { 200: jsonResponse(ResolvedFeed, 'what the feed shows'), ...errorResponses },
    }),
    async (c) => {
      const { secret } = c.req.valid('json')
      const feed = await db
        .selectFrom('feeds')
        .selectAll()
        .where('token_hash', '=', hashFeedSecret(secret))
        .executeTakeFirst()
      if (!feed) throw new AuthError('not_found', 'no such feed')
      let query = db
        .selectFrom('memberships')
        .innerJoin('calendars', 'calendars.id', 'memberships.calendar_id')
        .select(['calendars.id', 'calendars.name', 'calendars.time_zone'])
        .where('memberships.user_id', '=', feed.user_id)
      if (feed.calendar_id !== null) query = query.where('calendars.id', '=', feed.calendar_id)
      const calendars = await query.orderBy('calendars.name').execute()
      if (feed.calendar_id !== null && calendars.length === 0) {
        throw new AuthError('not_found', 'no such feed')
      }
      return c.json(
        {
          feed: {
            id: feed.id,
            userId: feed.user_id,
            busyOnly: feed.busy_only === 1,
            calendars: calendars.map((row) => ({
              id: row.id,
              name: row.name,
              timeZone: row.time_zone,
              doc: calendarDocName(row.id),
            })),
          },
        },
        200,
      )
    },
  )
  return app
}
