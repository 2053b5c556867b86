// For the notifier, behind the same shared secret as the access check:
// GET /internal/calendars lists every calendar (to plan them all after a
// restart), GET /internal/calendars/{id}/recipients says who a calendar's
// reminders and change notifications go to, with contact details.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { CalendarParams } from '../calendars/schemas.ts'
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
      const { id } = c.req.valid('param')
      const { db } = deps.database
      const calendar = await db
        .selectFrom('calendars')
        .select(['id', 'name', 'time_zone'])
        .where('id', '=', id)
        .executeTakeFirst()
      if (!calendar) throw new AuthError('not_found', 'no such calendar')
      const members = await db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select([
          'users.id',
          'users.username',
          'users.display_name',
          'users.email',
          'memberships.role',
        ])
        .where('memberships.calendar_id', '=', id)
        .orderBy('users.username')
        .execute()
      return c.json(
        {
          calendar: { id: calendar.id, name: calendar.name, timeZone: calendar.time_zone },
          members: members.map((m) => ({
            userId: m.id,
            username: m.username,
            displayName: m.display_name,
            email: m.email,
            role: m.role,
          })),
        },
        200,
      )
    },
  )
  return app
}
