// Members and roles: list, change a role (owners), remove a member (owners)
// or leave (anyone), transfer ownership. A calendar always keeps an owner.
// Every change reaches the sync servers through the outbox, so a removed or
// demoted member's live connections follow within seconds.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { Role } from '@plansync/protocol'
import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse, noContent } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'
import { calendarDocs, requireCalendarRole } from './access.ts'
import {
  CalendarParams,
  ChangeRoleBody,
  MemberList,
  MemberParams,
  TransferBody,
} from './schemas.ts'

const tags = ['members']

export function memberRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database

  async function memberRole(trx: Transaction<Database>, calendarId: string, userId: string) {
    const row = await trx
      .selectFrom('memberships')
      .select('role')
      .where('calendar_id', '=', calendarId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    if (!row) throw new AuthError('not_found', 'no such member')
    return row.role
  }

  async function assertAnotherOwner(
    trx: Transaction<Database>,
    calendarId: string,
    userId: string,
  ) {
    const others = await trx
      .selectFrom('memberships')
      .select('user_id')
      .where('calendar_id', '=', calendarId)
      .where('role', '=', 'owner')
      .where('user_id', '!=', userId)
      .execute()
    if (others.length === 0) {
      throw new AuthError('last_owner', 'a calendar needs an owner: transfer ownership first')
    }
  }

  /** Sets (or with null removes) a membership and tells the sync servers, in one transaction. */
  async function setRole(
    trx: Transaction<Database>,
    calendarId: string,
    userId: string,
    role: Role | null,
  ) {
    const now = deps.now()
    if (role === null) {
      await trx
        .deleteFrom('memberships')
        .where('calendar_id', '=', calendarId)
        .where('user_id', '=', userId)
        .execute()
    } else {
      await trx
        .updateTable('memberships')
        .set({ role, updated_at: now })
        .where('calendar_id', '=', calendarId)
        .where('user_id', '=', userId)
        .execute()
    }
    const docs = await calendarDocs(trx, calendarId)
    await deps.outbox.enqueueAccessChange(trx, { kind: 'member', userId, docs, role, at: now })
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calendars/{id}/members',
      tags,
      request: { params: CalendarParams },
      responses: { 200: jsonResponse(MemberList, 'members'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id } = c.req.valid('param')
      await requireCalendarRole(db, user.id, id, 'viewer')
      const rows = await db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select(['users.id', 'users.username', 'users.display_name', 'memberships.role'])
        .where('memberships.calendar_id', '=', id)
        .orderBy('memberships.created_at')
        .orderBy('users.username')
        .execute()
      return c.json(
        {
          members: rows.map((row) => ({
            userId: row.id,
            username: row.username,
            displayName: row.display_name,
            role: row.role,
          })),
        },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/calendars/{id}/members/{userId}',
      tags,
      request: { params: MemberParams, body: jsonBody(ChangeRoleBody) },
      responses: noContent,
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id, userId } = c.req.valid('param')
      const { role } = c.req.valid('json')
      await requireCalendarRole(db, user.id, id, 'owner')
      await db.transaction().execute(async (trx) => {
        const current = await memberRole(trx, id, userId)
        if (current === role) return
        if (current === 'owner') await assertAnotherOwner(trx, id, userId)
        await setRole(trx, id, userId, role)
      })
      await deps.outbox.kick()
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/calendars/{id}/members/{userId}',
      tags,
      request: { params: MemberParams },
      responses: noContent,
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id, userId } = c.req.valid('param')
      // Anyone may leave; only owners remove others.
      await requireCalendarRole(db, user.id, id, userId === user.id ? 'viewer' : 'owner')
      await db.transaction().execute(async (trx) => {
        const current = await memberRole(trx, id, userId)
        if (current === 'owner') await assertAnotherOwner(trx, id, userId)
        await setRole(trx, id, userId, null)
      })
      await deps.outbox.kick()
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/calendars/{id}/transfer',
      tags,
      request: { params: CalendarParams, body: jsonBody(TransferBody) },
      responses: noContent,
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id } = c.req.valid('param')
      const { userId } = c.req.valid('json')
      await requireCalendarRole(db, user.id, id, 'owner')
      if (userId === user.id) throw new AuthError('conflict', 'you already own this calendar')
      await db.transaction().execute(async (trx) => {
        await memberRole(trx, id, userId)
        await setRole(trx, id, userId, 'owner')
        await setRole(trx, id, user.id, 'editor')
      })
      await deps.outbox.kick()
      return c.body(null, 204)
    },
  )

  return app
}
