// Invites from the invitee's side: only the addressed user (by id, or by a
// matching email) can list, preview, accept or decline an invite, once and
// before it expires. Anyone else gets 404, so links cannot be probed.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { hashSecret } from '../accounts/session-token.ts'
import type { SessionUser } from '../accounts/sessions.ts'
import type { InvitesTable } from '../db/schema.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonResponse, noContent } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'
import {
  Invite,
  InviteList,
  type InviteRow,
  SecretParams,
  selectInvites,
  toInviteJson,
} from './schemas.ts'

const tags = ['invites']

export function inviteAnswerRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database

  const addressedTo = (row: InvitesTable, user: SessionUser) =>
    row.invitee_user_id === user.id ||
    (row.invitee_email !== null && row.invitee_email === user.email)

  /** The invite behind a link, if the caller is its addressee; 404 otherwise (no probing). */
  async function inviteForCaller(secret: string, user: SessionUser): Promise<InviteRow> {
    const row = await selectInvites(db)
      .where('invites.token_hash', '=', hashSecret(secret))
      .executeTakeFirst()
    if (!row || !addressedTo(row, user)) throw new AuthError('not_found', 'no such invite')
    return row
  }

  function assertOpen(row: InviteRow): void {
    if (row.status !== 'pending')
      throw new AuthError('conflict', `this invite was already ${row.status}`)
    if (row.expires_at <= deps.now())
      throw new AuthError('invite_expired', 'this invite has expired')
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/invites',
      tags,
      responses: { 200: jsonResponse(InviteList, 'invites addressed to me'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      let query = selectInvites(db)
        .where('invites.status', '=', 'pending')
        .where('invites.expires_at', '>', deps.now())
      query = query.where((eb) =>
        user.email === null
          ? eb('invites.invitee_user_id', '=', user.id)
          : eb.or([
              eb('invites.invitee_user_id', '=', user.id),
              eb('invites.invitee_email', '=', user.email),
            ]),
      )
      return c.json({ invites: (await query.execute()).map(toInviteJson) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/invites/{secret}',
      tags,
      request: { params: SecretParams },
      responses: {
        200: jsonResponse(z.object({ invite: Invite }), 'the invite'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const row = await inviteForCaller(c.req.valid('param').secret, user)
      return c.json({ invite: toInviteJson(row) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/invites/{secret}/accept',
      tags,
      request: { params: SecretParams },
      responses: noContent,
    }),
    async (c) => {
      const { user } = requireSession(c)
      const row = await inviteForCaller(c.req.valid('param').secret, user)
      assertOpen(row)
      const now = deps.now()
      await db.transaction().execute(async (trx) => {
        // Conditional: a concurrent accept/revoke of the same invite loses cleanly.
        const claimed = await trx
          .updateTable('invites')
          .set({ status: 'accepted', responded_at: now })
          .where('id', '=', row.id)
          .where('status', '=', 'pending')
          .executeTakeFirst()
        if (Number(claimed.numUpdatedRows) === 0)
          throw new AuthError('conflict', 'this invite was already answered')
        const existing = await trx
          .selectFrom('memberships')
          .select('role')
          .where('calendar_id', '=', row.calendar_id)
          .where('user_id', '=', user.id)
          .executeTakeFirst()
        // An invite never lowers a role the user already has.
        if (!existing) {
          await trx
            .insertInto('memberships')
            .values({
              calendar_id: row.calendar_id,
              user_id: user.id,
              role: row.role,
              created_at: now,
              updated_at: now,
            })
            .execute()
        }
      })
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/invites/{secret}/decline',
      tags,
      request: { params: SecretParams },
      responses: noContent,
    }),
    async (c) => {
      const { user } = requireSession(c)
      const row = await inviteForCaller(c.req.valid('param').secret, user)
      assertOpen(row)
      await db
        .updateTable('invites')
        .set({ status: 'declined', responded_at: deps.now() })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .execute()
      return c.body(null, 204)
    },
  )

  return app
}
