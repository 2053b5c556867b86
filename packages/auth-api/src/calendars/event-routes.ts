// Events registry: an event belongs to a calendar, and its doc
// (`event:<id>`) inherits the calendar's members and roles. Editors register
// and delete events; deleting one closes its live connections. A client may
// bring the id (the one it gave the event in the calendar doc, maybe
// offline): registering it again in the same calendar is a no-op, so a
// retried request is safe; an id taken by another calendar is a 409.
import { randomUUID } from 'node:crypto'
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { eventDocName } from '@plansync/protocol'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonResponse, noContent } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'
import { requireCalendarRole } from './access.ts'
import { CalendarParams, EventList, EventParams, EventRef, RegisterEventBody } from './schemas.ts'

const tags = ['events']

export function eventRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database

  app.openapi(
    createRoute({
      method: 'post',
      path: '/calendars/{id}/events',
      tags,
      request: {
        params: CalendarParams,
        body: { required: false, content: { 'application/json': { schema: RegisterEventBody } } },
      },
      responses: {
        200: jsonResponse(EventRef, 'already registered in this calendar'),
        201: jsonResponse(EventRef, 'registered'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id } = c.req.valid('param')
      const body = (c.req.valid('json') as { id?: string } | undefined) ?? {}
      await requireCalendarRole(db, user.id, id, 'editor')
      const eventId = body.id ?? randomUUID()
      const inserted = await db
        .insertInto('events')
        .values({ id: eventId, calendar_id: id, created_by: user.id, created_at: deps.now() })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .executeTakeFirst()
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
        const existing = await db
          .selectFrom('events')
          .select('calendar_id')
          .where('id', '=', eventId)
          .executeTakeFirst()
        if (existing?.calendar_id !== id) {
          throw new AuthError('conflict', 'this event id is taken', { fields: { id: 'taken' } })
        }
        return c.json({ id: eventId, doc: eventDocName(eventId) }, 200)
      }
      return c.json({ id: eventId, doc: eventDocName(eventId) }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calendars/{id}/events',
      tags,
      request: { params: CalendarParams },
      responses: { 200: jsonResponse(EventList, 'events'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id } = c.req.valid('param')
      await requireCalendarRole(db, user.id, id, 'viewer')
      const rows = await db
        .selectFrom('events')
        .select('id')
        .where('calendar_id', '=', id)
        .orderBy('created_at')
        .execute()
      return c.json({ events: rows.map((row) => ({ id: row.id, doc: eventDocName(row.id) })) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/calendars/{id}/events/{eventId}',
      tags,
      request: { params: EventParams },
      responses: noContent,
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id, eventId } = c.req.valid('param')
      await requireCalendarRole(db, user.id, id, 'editor')
      const deleted = await db.transaction().execute(async (trx) => {
        const result = await trx
          .deleteFrom('events')
          .where('id', '=', eventId)
          .where('calendar_id', '=', id)
          .executeTakeFirst()
        if (Number(result.numDeletedRows) === 0) return false
        await deps.outbox.enqueueAccessChange(trx, {
          kind: 'doc',
          docs: [eventDocName(eventId)],
          at: deps.now(),
        })
        return true
      })
      if (!deleted) throw new AuthError('not_found', 'no such event')
      await deps.outbox.kick()
      return c.body(null, 204)
    },
  )

  return app
}
