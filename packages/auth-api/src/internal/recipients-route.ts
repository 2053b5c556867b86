// For the notifier, behind the same shared secret as the access check:
// GET /internal/calendars and /internal/events list every calendar and
// registered event (to plan and compare them all after a restart);
// GET /internal/calendars/{id}/recipients says who a calendar's reminders and
// change notifications go to, with contact details, and
// GET /internal/events/{id}/recipients the same for the calendar an event
// belongs to.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Kysely } from 'kysely'
import { CalendarParams } from '../calendars/schemas.ts'
import type { Database } from '../db/schema.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonResponse } from '../http/openapi.ts'

const Recipients = z
  .object({
    calendar: z.object({ id: z.string(), name: z.string(), timeZone: z.string() }),
    members: z.array(
      z.object({
        userId: z.string(),
        username: z.string(),
        displayName: z.string(),
        email: z.string().nullable(),
        role: z.enum(['owner', 'editor', 'viewer']),
      }),
    ),
  })
  .openapi('Recipients')

/** Mounted by accessCheckRoutes' app, after its secret check on /internal/*. */
export function recipientsRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/internal/calendars',
      tags: ['internal'],
      responses: {
        200: jsonResponse(
          z.object({ calendars: z.array(z.object({ id: z.string() })) }).openapi('CalendarIds'),
          'every calendar',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const rows = await deps.database.db
        .selectFrom('calendars')
        .select('id')
        .orderBy('id')
        .execute()
      return c.json({ calendars: rows.map((row) => ({ id: row.id })) }, 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/internal/calendars/{id}/recipients',
      tags: ['internal'],
      request: { params: CalendarParams },
      responses: { 200: jsonResponse(Recipients, 'the members'), ...errorResponses },
    }),
    async (c) => {
      const recipients = await recipientsOf(deps.database.db, c.req.valid('param').id)
      if (!recipients) throw new AuthError('not_found', 'no such calendar')
      return c.json(recipients, 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/internal/events',
      tags: ['internal'],
      responses: {
        200: jsonResponse(
          z
            .object({ events: z.array(z.object({ id: z.string(), calendarId: z.string() })) })
            .openapi('EventIds'),
          'every registered event',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const rows = await deps.database.db
        .selectFrom('events')
        .select(['id', 'calendar_id'])
        .orderBy('id')
        .execute()
      return c.json(
        { events: rows.map((row) => ({ id: row.id, calendarId: row.calendar_id })) },
        200,
      )
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/internal/events/{id}/recipients',
      tags: ['internal'],
      request: { params: CalendarParams },
      responses: {
        200: jsonResponse(Recipients, 'the members of its calendar'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { db } = deps.database
      const event = await db
        .selectFrom('events')
        .select('calendar_id')
        .where('id', '=', c.req.valid('param').id)
        .executeTakeFirst()
      const recipients = event && (await recipientsOf(db, event.calendar_id))
      if (!recipients) throw new AuthError('not_found', 'no such event')
      return c.json(recipients, 200)
    },
  )
  return app
}

async function recipientsOf(
  db: Kysely<Database>,
  calendarId: string,
): Promise<z.infer<typeof Recipients> | undefined> {
  const calendar = await db
    .selectFrom('calendars')
    .select(['id', 'name', 'time_zone'])
    .where('id', '=', calendarId)
    .executeTakeFirst()
  if (!calendar) return undefined
  const members = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.email', 'memberships.role'])
    .where('memberships.calendar_id', '=', calendarId)
    .orderBy('users.username')
    .execute()
  return {
    calendar: { id: calendar.id, name: calendar.name, timeZone: calendar.time_zone },
    members: members.map((m) => ({
      userId: m.id,
      username: m.username,
      displayName: m.display_name,
      email: m.email,
      role: m.role,
    })),
  }
}
