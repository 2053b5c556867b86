// For the notifier: invites to existing users it has not told yet, oldest
// first, each with its link, its state (an invite revoked, answered or expired
// meanwhile is listed too, so the notifier can drop it) and who sent it; and
// the acknowledgement that removes them once their notifications are
// scheduled. Listing twice before an acknowledgement is harmless: the
// notifier keys each notification by the invite id.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AuthDeps } from '../deps.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse, noContent, Text } from '../http/openapi.ts'

const MAX_NOTICES = 100

const Person = z.object({ userId: z.string(), username: z.string(), displayName: z.string() })

const InviteNotices = z
  .object({
    notices: z.array(
      z.object({
        inviteId: z.string(),
        calendarId: z.string(),
        calendarName: z.string(),
        role: z.enum(['editor', 'viewer']),
        status: z.enum(['pending', 'accepted', 'declined', 'revoked']),
        createdAt: z.number(),
        expiresAt: z.number(),
        link: z.string(),
        /** Null when the inviter's account is gone. */
        inviter: Person.nullable(),
        invitee: Person.extend({ email: z.string().nullable() }),
      }),
    ),
  })
  .openapi('InviteNotices')

const NoticeAck = z
  .object({ inviteIds: z.array(Text().min(1).max(64)).min(1).max(MAX_NOTICES) })
  .openapi('InviteNoticeAck')

/** Mounted by accessCheckRoutes' app, after its secret check on /internal/*. */
export function inviteNoticeRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database
  app.openapi(
    createRoute({
      method: 'get',
      path: '/internal/invite-notices',
      tags: ['internal'],
      request: {
        query: z.object({ limit: z.coerce.number().int().min(1).max(MAX_NOTICES).optional() }),
      },
      responses: { 200: jsonResponse(InviteNotices, 'oldest first'), ...errorResponses },
    }),
    async (c) => {
      const limit = c.req.valid('query').limit ?? MAX_NOTICES
      const rows = await db
        .selectFrom('invite_notices')
        .innerJoin('invites', 'invites.id', 'invite_notices.invite_id')
        .innerJoin('calendars', 'calendars.id', 'invites.calendar_id')
        .innerJoin('users as invitee', 'invitee.id', 'invites.invitee_user_id')
        .leftJoin('users as inviter', 'inviter.id', 'invites.created_by')
        .select([
          'invites.id',
          'invites.calendar_id',
          'calendars.name as calendar_name',
          'invites.role',
          'invites.status',
          'invites.created_at',
          'invites.expires_at',
          'invite_notices.link',
          'inviter.id as inviter_id',
          'inviter.username as inviter_username',
          'inviter.display_name as inviter_display_name',
          'invitee.id as invitee_id',
          'invitee.username as invitee_username',
          'invitee.display_name as invitee_display_name',
          'invitee.email as invitee_email',
        ])
        .orderBy('invite_notices.created_at')
        .orderBy('invite_notices.invite_id')
        .limit(limit)
        .execute()
      return c.json(
        {
          notices: rows.map((row) => ({
            inviteId: row.id,
            calendarId: row.calendar_id,
            calendarName: row.calendar_name,
            role: row.role,
            status: row.status,
            createdAt: Number(row.created_at),
            expiresAt: Number(row.expires_at),
            link: row.link,
            inviter:
              row.inviter_id === null
                ? null
                : {
                    userId: row.inviter_id,
                    username: row.inviter_username ?? '',
                    displayName: row.inviter_display_name ?? '',
                  },
            invitee: {
              userId: row.invitee_id,
              username: row.invitee_username,
              displayName: row.invitee_display_name,
              email: row.invitee_email,
            },
          })),
        },
        200,
      )
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/internal/invite-notices/ack',
      tags: ['internal'],
      request: { body: jsonBody(NoticeAck) },
      responses: noContent,
    }),
    async (c) => {
      const { inviteIds } = c.req.valid('json')
      await db.deleteFrom('invite_notices').where('invite_id', 'in', inviteIds).execute()
      return c.body(null, 204)
    },
  )
  return app
}
