// Invites from the calendar's side: owners and editors invite a user by
// username or email with a role (editor or viewer), list pending invites and
// revoke them. The invite is an expiring link whose secret is stored only as
// a SHA-256 hash; an invite to an existing user also leaves a notice for the
// notifier, which tells the invitee (with the link) and then removes it.
import { randomBytes, randomUUID } from 'node:crypto'
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { hashSecret } from '../accounts/session-token.ts'
import { requireCalendarRole } from '../calendars/access.ts'
import { CalendarParams } from '../calendars/schemas.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse, noContent } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'
import {
  CreateInviteBody,
  InviteCreated,
  InviteIdParams,
  InviteList,
  selectInvites,
  toInviteJson,
} from './schemas.ts'

const tags = ['invites']

export function inviteManageRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database

  app.openapi(
    createRoute({
      method: 'post',
      path: '/calendars/{id}/invites',
      tags,
      request: { params: CalendarParams, body: jsonBody(CreateInviteBody) },
      responses: { 201: jsonResponse(InviteCreated, 'invite link'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id } = c.req.valid('param')
      const body = c.req.valid('json')
      await requireCalendarRole(db, user.id, id, 'editor')
      await deps.rateLimits.consume('inviteUser', user.id)
      let inviteeUserId: string | null = null
      if (body.username !== undefined) {
        const invitee = await db
          .selectFrom('users')
          .select('id')
          .where('username', '=', body.username)
          .executeTakeFirst()
        if (!invitee) throw new AuthError('not_found', 'no user with that username')
        inviteeUserId = invitee.id
      }
      const secret = randomBytes(24).toString('base64url')
      const now = deps.now()
      const row = {
        id: randomUUID(),
        calendar_id: id,
        token_hash: hashSecret(secret),
        role: body.role,
        invitee_user_id: inviteeUserId,
        invitee_email: body.email ?? null,
        created_by: user.id,
        created_at: now,
        expires_at: now + deps.settings.inviteTtlMs,
        status: 'pending' as const,
        responded_at: null,
      }
      const link = `${deps.settings.publicUrl}/invite/${secret}`
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('invites').values(row).execute()
        // The notifier tells an existing user, with the link (see internal/invite-notices-route.ts).
        if (inviteeUserId !== null && inviteeUserId !== user.id) {
          await trx
            .insertInto('invite_notices')
            .values({ invite_id: row.id, link, created_at: now })
            .execute()
        }
      })
      const created = await selectInvites(db)
        .where('invites.id', '=', row.id)
        .executeTakeFirstOrThrow()
      return c.json({ invite: toInviteJson(created), link }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/calendars/{id}/invites',
      tags,
      request: { params: CalendarParams },
      responses: { 200: jsonResponse(InviteList, 'pending invites'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id } = c.req.valid('param')
      await requireCalendarRole(db, user.id, id, 'editor')
      const rows = await selectInvites(db)
        .where('invites.calendar_id', '=', id)
        .where('invites.status', '=', 'pending')
        .execute()
      return c.json({ invites: rows.map(toInviteJson) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/calendars/{id}/invites/{inviteId}',
      tags,
      request: { params: InviteIdParams },
      responses: noContent,
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { id, inviteId } = c.req.valid('param')
      await requireCalendarRole(db, user.id, id, 'editor')
      const result = await db
        .updateTable('invites')
        .set({ status: 'revoked', responded_at: deps.now() })
        .where('id', '=', inviteId)
        .where('calendar_id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) === 0)
        throw new AuthError('not_found', 'no pending invite with that id')
      return c.body(null, 204)
    },
  )

  return app
}
