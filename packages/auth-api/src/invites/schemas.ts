// Schemas, row type and shared query of the invite routes.
import { z } from '@hono/zod-openapi'
import type { Kysely } from 'kysely'
import { CalendarParams } from '../calendars/schemas.ts'
import type { Database, InvitesTable } from '../db/schema.ts'
import { Text } from '../http/openapi.ts'

export const CreateInviteBody = z
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

export const Invite = z
  .object({
    id: z.string(),
    calendarId: z.string(),
    calendarName: z.string(),
    role: z.enum(['editor', 'viewer']),
    invitedBy: z.string(),
    inviteeUserId: z.string().nullable(),
    inviteeUsername: z
      .string()
      .nullable()
      .openapi({ description: 'the invited account (null for an invite by email)' }),
    inviteeDisplayName: z.string().nullable(),
    inviteeEmail: z
      .string()
      .nullable()
      .openapi({ description: 'the address an invite by email went to' }),
    expiresAt: z.number(),
    status: z.enum(['pending', 'accepted', 'declined', 'revoked']),
  })
  .openapi('Invite')
export const InviteCreated = z.object({ invite: Invite, link: z.string() }).openapi('InviteCreated')
export const InviteList = z.object({ invites: z.array(Invite) }).openapi('InviteList')
export const SecretParams = z.object({
  secret: Text()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'secret', in: 'path' } }),
})
export const InviteIdParams = CalendarParams.extend({
  inviteId: Text()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'inviteId', in: 'path' } }),
})

export type InviteRow = InvitesTable & {
  calendar_name: string
  inviter: string
  invitee_username: string | null
  invitee_display_name: string | null
}

export function toInviteJson(row: InviteRow): z.infer<typeof Invite> {
  return {
    id: row.id,
    calendarId: row.calendar_id,
    calendarName: row.calendar_name,
    role: row.role,
    invitedBy: row.inviter,
    inviteeUserId: row.invitee_user_id,
    inviteeUsername: row.invitee_username,
    inviteeDisplayName: row.invitee_display_name,
    inviteeEmail: row.invitee_email,
    expiresAt: row.expires_at,
    status: row.status,
  }
}

/**
 * Invites with their calendar's name, the inviter's username and, for an
 * invite to an account, the invitee's username and display name. An invite by
 * email names no account, even when one has that address: the address is not
 * verified, and the inviter must not learn who registered it.
 */
export function selectInvites(db: Kysely<Database>) {
  return db
    .selectFrom('invites')
    .innerJoin('calendars', 'calendars.id', 'invites.calendar_id')
    .innerJoin('users as inviter', 'inviter.id', 'invites.created_by')
    .leftJoin('users as invitee', 'invitee.id', 'invites.invitee_user_id')
    .selectAll('invites')
    .select([
      'calendars.name as calendar_name',
      'inviter.username as inviter',
      'invitee.username as invitee_username',
      'invitee.display_name as invitee_display_name',
    ])
}
