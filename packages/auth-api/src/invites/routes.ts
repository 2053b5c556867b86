// Invites: owners and editors invite a user by username or email with a
// role (editor or viewer); the invite is an expiring link whose secret is
// stored only as a SHA-256 hash. Only the addressed user (by id, or by a
// matching email) can see, accept or decline it; owners and editors list and
// revoke pending invites.
import { randomBytes, randomUUID } from 'node:crypto'
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { hashSecret } from '../accounts/session-token.ts'
import type { SessionUser } from '../accounts/sessions.ts'
import { requireCalendarRole } from '../calendars/access.ts'
import { CalendarParams } from '../calendars/schemas.ts'
import type { InvitesTable } from '../db/schema.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse, noContent, Text } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'

const tags = ['invites']

const CreateInviteBody = z
  .object({
    username: Text()
      .trim()
      .min(1)
      .max(32)
      .transform((v) => v.toLowerCase())
      .optional(),
    email: z
      .email()
      .max(254)
      .transform((v) => v.toLowerCase())
      .optional(),
    role: z.enum(['editor', 'viewer']),
  })
  .refine((body) => (body.username === undefined) !== (body.email === undefined), {
    path: ['username'],
    message: 'give exactly one of username or email',
  })
  .openapi('CreateInviteBody')

const Invite = z
  .object({
    id: z.string(),
    calendarId: z.string(),
    calendarName: z.string(),
    role: z.enum(['editor', 'viewer']),
    invitedBy: z.string(),
    inviteeUserId: z.string().nullable(),
    inviteeEmail: z.string().nullable(),
    expiresAt: z.number(),
    status: z.enum(['pending', 'accepted', 'declined', 'revoked']),
  })
  .openapi('Invite')
const InviteCreated = z.object({ invite: Invite, link: z.string() }).openapi('InviteCreated')
const InviteList = z.object({ invites: z.array(Invite) }).openapi('InviteList')
const SecretParams = z.object({
  secret: Text()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'secret', in: 'path' } }),
})
const InviteIdParams = CalendarParams.extend({
  inviteId: Text()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'inviteId', in: 'path' } }),
})

type InviteRow = InvitesTable & { calendar_name: string; inviter: string }

function toInviteJson(row: InviteRow): z.infer<typeof Invite> {
  return {
    id: row.id,
    calendarId: row.calendar_id,
    calendarName: row.calendar_name,
    role: row.role,
    invitedBy: row.inviter,
    inviteeUserId: row.invitee_user_id,
    inviteeEmail: row.invitee_email,
    expiresAt: row.expires_at,
    status: row.status,
  }
}

export function inviteRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database

  const selectInvites = () =>
    db
      .selectFrom('invites')
      .innerJoin('calendars', 'calendars.id', 'invites.calendar_id')
      .innerJoin('users as inviter', 'inviter.id', 'invites.created_by')
      .selectAll('invites')
      .select(['calendars.name as calendar_name', 'inviter.username as inviter'])

  const addressedTo = (row: InvitesTable, user: SessionUser) =>
    row.invitee_user_id === user.id ||
    (row.invitee_email !== null && row.invitee_email === user.email)

  /** The invite behind a link, if the caller is its addressee; 404 otherwise (no probing). */
  async function inviteForCaller(secret: string, user: SessionUser): Promise<InviteRow> {
    const row = await selectInvites()
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
      await db.insertInto('invites').values(row).execute()
      const created = await selectInvites()
        .where('invites.id', '=', row.id)
        .executeTakeFirstOrThrow()
      return c.json(
        { invite: toInviteJson(created), link: `${deps.settings.publicUrl}/invite/${secret}` },
        201,
      )
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
      const rows = await selectInvites()
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

  app.openapi(
    createRoute({
      method: 'get',
      path: '/invites',
      tags,
      responses: { 200: jsonResponse(InviteList, 'invites addressed to me'), ...errorResponses },
    }),
    async (c) => {
      const { user } = requireSession(c)
      let query = selectInvites()
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
