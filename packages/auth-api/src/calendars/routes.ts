// Calendars as access-control objects: create (the creator owns it), list,
// read, update (editors and owners), delete (owners). Events are registered
// here so that their docs inherit the calendar's members and roles.
import { randomUUID } from 'node:crypto'
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { calendarDocName } from '@plansync/protocol'
import type { CalendarsTable } from '../db/schema.ts'
import type { AuthDeps } from '../deps.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse, noContent } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'
import { calendarDocs, requireCalendarRole } from './access.ts'
import {
  CalendarList,
  CalendarParams,
  CalendarResponse,
  CreateCalendarBody,
  UpdateCalendarBody,
} from './schemas.ts'

const tags = ['calendars']

function toCalendarJson(
  row: Pick<CalendarsTable, 'id' | 'name' | 'colour' | 'time_zone'>,
  role: string,
) {
  return {
    id: row.id,
    name: row.name,
    colour: row.colour,
    timeZone: row.time_zone,
    role: role as 'owner' | 'editor' | 'viewer',
    doc: calendarDocName(row.id),
  }
}

export function calendarRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database
  const readCalendar = (id: string) =>
    db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  app.openapi(
    createRoute({
      method: 'post',
      path: '/calendars',
      tags,
      request: { body: jsonBody(CreateCalendarBody) },
      responses: { 201: jsonResponse(CalendarResponse, 'created'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const body = c.req.valid('json')
      const now = deps.now()
      const row = {
        id: randomUUID(),
        name: body.name,
        colour: body.colour,
        time_zone: body.timeZone,
        created_by: user.id,
        created_at: now,
        updated_at: now,
      }
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('calendars').values(row).execute()
        await trx
          .insertInto('memberships')
          .values({
            calendar_id: row.id,
            user_id: user.id,
            role: 'owner',
            created_at: now,
            updated_at: now,
          })
          .execute()
      })
      return c.json({ calendar: toCalendarJson(row, 'owner') }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calendars',
      tags,
      responses: { 200: jsonResponse(CalendarList, 'my calendars'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const rows = await db
        .selectFrom('calendars')
        .innerJoin('memberships', 'memberships.calendar_id', 'calendars.id')
        .select([
          'calendars.id',
          'calendars.name',
          'calendars.colour',
          'calendars.time_zone',
          'memberships.role',
        ])
        .where('memberships.user_id', '=', user.id)
        .orderBy('calendars.created_at')
        .execute()
      return c.json({ calendars: rows.map((row) => toCalendarJson(row, row.role)) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calendars/{id}',
      tags,
      request: { params: CalendarParams },
      responses: { 200: jsonResponse(CalendarResponse, 'the calendar'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id } = c.req.valid('param')
      const role = await requireCalendarRole(db, user.id, id, 'viewer')
      return c.json({ calendar: toCalendarJson(await readCalendar(id), role) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/calendars/{id}',
      tags,
      request: { params: CalendarParams, body: jsonBody(UpdateCalendarBody) },
      responses: { 200: jsonResponse(CalendarResponse, 'updated'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id } = c.req.valid('param')
      const body = c.req.valid('json')
      const role = await requireCalendarRole(db, user.id, id, 'editor')
      await db
        .updateTable('calendars')
        .set({
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.colour !== undefined ? { colour: body.colour } : {}),
          ...(body.timeZone !== undefined ? { time_zone: body.timeZone } : {}),
          updated_at: deps.now(),
        })
        .where('id', '=', id)
        .execute()
      return c.json({ calendar: toCalendarJson(await readCalendar(id), role) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/calendars/{id}',
      tags,
      request: { params: CalendarParams },
      responses: noContent,
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id } = c.req.valid('param')
      await requireCalendarRole(db, user.id, id, 'owner')
      await db.transaction().execute(async (trx) => {
        const docs = await calendarDocs(trx, id)
        // Memberships, invites and events go with the calendar (ON DELETE CASCADE).
        await trx.deleteFrom('calendars').where('id', '=', id).execute()
        await deps.outbox.enqueueAccessChange(trx, { kind: 'doc', docs, at: deps.now() })
      })
      await deps.outbox.kick()
      return c.body(null, 204)
    },
  )

  return app
}
