// A user's iCal feed links: create one (for a calendar they belong to, or
// for all their calendars; full or free/busy), list them, rotate a secret,
// revoke a link. The secret is in the URL only once, at creation or rotation.
import { randomUUID } from 'node:crypto'
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { requireCalendarRole } from '../calendars/access.ts'
import type { FeedsTable } from '../db/schema.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse, noContent } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'
import { feedUrls, newFeedSecret } from './feed-secret.ts'
import { CreateFeedBody, FeedCreated, FeedList, FeedParams } from './schemas.ts'

const tags = ['feeds']
/** Enough for a household's calendars and devices; stops a runaway client. */
const MAX_FEEDS_PER_USER = 50

const toFeedJson = (row: FeedsTable) => ({
  id: row.id,
  calendarId: row.calendar_id,
  busyOnly: row.busy_only === 1,
  createdAt: Number(row.created_at),
  rotatedAt: row.rotated_at === null ? null : Number(row.rotated_at),
})

export function feedRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database

  const ownFeed = async (userId: string, id: string) => {
    const row = await db
      .selectFrom('feeds')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    if (!row) throw new AuthError('not_found', 'no such feed')
    return row
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/feeds',
      tags,
      request: { body: jsonBody(CreateFeedBody) },
      responses: { 201: jsonResponse(FeedCreated, 'the feed and its URL'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const body = c.req.valid('json')
      if (body.calendarId !== undefined) {
        await requireCalendarRole(db, user.id, body.calendarId, 'viewer')
      }
      const { count } = await db
        .selectFrom('feeds')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow()
      if (Number(count) >= MAX_FEEDS_PER_USER) {
        throw new AuthError(
          'conflict',
          `at most ${MAX_FEEDS_PER_USER} feed links: revoke one first`,
        )
      }
      const { secret, hash } = newFeedSecret()
      const row: FeedsTable = {
        id: randomUUID(),
        user_id: user.id,
        calendar_id: body.calendarId ?? null,
        busy_only: body.busyOnly ? 1 : 0,
        token_hash: hash,
        created_at: deps.now(),
        rotated_at: null,
      }
      await db.insertInto('feeds').values(row).execute()
      return c.json({ feed: toFeedJson(row), ...feedUrls(deps.settings.publicUrl, secret) }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/feeds',
      tags,
      responses: { 200: jsonResponse(FeedList, "the user's feed links"), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const rows = await db
        .selectFrom('feeds')
        .selectAll()
        .where('user_id', '=', user.id)
        .orderBy('created_at')
        .execute()
      return c.json({ feeds: rows.map(toFeedJson) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/feeds/{id}/rotate',
      tags,
      request: { params: FeedParams },
      responses: {
        200: jsonResponse(FeedCreated, 'the new URL; the old one stops working'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const row = await ownFeed(user.id, c.req.valid('param').id)
      const { secret, hash } = newFeedSecret()
      const rotatedAt = deps.now()
      await db
        .updateTable('feeds')
        .set({ token_hash: hash, rotated_at: rotatedAt })
        .where('id', '=', row.id)
        .execute()
      return c.json(
        {
          feed: toFeedJson({ ...row, token_hash: hash, rotated_at: rotatedAt }),
          ...feedUrls(deps.settings.publicUrl, secret),
        },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/feeds/{id}',
      tags,
      request: { params: FeedParams },
      responses: noContent,
    }),
    async (c) => {
      const { user } = requireSession(c)
      const row = await ownFeed(user.id, c.req.valid('param').id)
      await db.deleteFrom('feeds').where('id', '=', row.id).execute()
      return c.body(null, 204)
    },
  )
  return app
}
