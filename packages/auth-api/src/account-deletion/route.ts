// DELETE /me: deletes the account after checking the password, in one
// transaction: sessions, memberships, invites addressed to the user, the
// calendars where they were the only owner (with their events: nobody else
// could manage them, and an ownerless calendar would be stuck), and the user.
// The access changes (the user's connections, the deleted calendars' docs)
// are enqueued in the same transaction, so they go out even after a crash.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { clearSessionCookie } from '../accounts/session-response.ts'
import { calendarDocs } from '../calendars/access.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { jsonBody, noContent, Text } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'

const DeleteAccountBody = z
  .object({ password: Text().min(1).max(256) })
  .openapi('DeleteAccountBody')

export function accountDeletionRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/me',
      tags: ['accounts'],
      request: { body: jsonBody(DeleteAccountBody) },
      responses: noContent,
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { password } = c.req.valid('json')
      const row = await db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow()
      if (!(await deps.passwords.verify(row.password_hash, password))) {
        throw new AuthError('invalid_credentials', 'the password is wrong')
      }
      await db.transaction().execute(async (trx) => {
        const owned = await trx
          .selectFrom('memberships')
          .select('calendar_id')
          .where('user_id', '=', user.id)
          .where('role', '=', 'owner')
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('memberships as other')
                  .select('other.user_id')
                  .whereRef('other.calendar_id', '=', 'memberships.calendar_id')
                  .where('other.role', '=', 'owner')
                  .where('other.user_id', '!=', user.id),
              ),
            ),
          )
          .execute()
        const now = deps.now()
        for (const { calendar_id } of owned) {
          const docs = await calendarDocs(trx, calendar_id)
          await trx.deleteFrom('calendars').where('id', '=', calendar_id).execute()
          await deps.outbox.enqueueAccessChange(trx, { kind: 'doc', docs, at: now })
        }
        if (user.email !== null)
          await trx.deleteFrom('invites').where('invitee_email', '=', user.email).execute()
        // Sessions, memberships and invites addressed by id go by ON DELETE CASCADE.
        await trx.deleteFrom('users').where('id', '=', user.id).execute()
        await deps.outbox.enqueueAccessChange(trx, { kind: 'user', userId: user.id, at: now })
      })
      await deps.outbox.kick()
      clearSessionCookie(c, deps.settings)
      return c.body(null, 204)
    },
  )
  return app
}
