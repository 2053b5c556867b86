// The signed-in user's own account: read and edit the profile, change the
// password. A password change keeps the session that made it and ends every
// other one, closing their live sync connections too.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { uniqueViolation } from '../db/unique-violation.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse, noContent } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'
import { ChangePasswordBody, toUserJson, UpdateMeBody, UserResponse } from './schemas.ts'

const tags = ['accounts']
const userResponses = { 200: jsonResponse(UserResponse, 'the user'), ...errorResponses }

const getMe = createRoute({
  method: 'get',
  path: '/me',
  tags,
  summary: 'The signed-in user',
  responses: userResponses,
})

const updateMe = createRoute({
  method: 'patch',
  path: '/me',
  tags,
  summary: 'Change the display name or email (null removes it)',
  request: { body: jsonBody(UpdateMeBody) },
  responses: userResponses,
})

const changePassword = createRoute({
  method: 'post',
  path: '/password',
  tags,
  summary: 'Change the password; every other session ends',
  request: { body: jsonBody(ChangePasswordBody) },
  responses: noContent,
})

export function profileRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database

  app.openapi(getMe, (c) => c.json({ user: toUserJson(requireSession(c).user) }, 200))

  app.openapi(updateMe, async (c) => {
    const { user } = requireSession(c)
    const body = c.req.valid('json')
    const changes = {
      ...(body.displayName !== undefined ? { display_name: body.displayName } : {}),
      ...(body.email !== undefined ? { email: body.email } : {}),
      updated_at: deps.now(),
    }
    try {
      await db.updateTable('users').set(changes).where('id', '=', user.id).execute()
    } catch (error) {
      if (uniqueViolation(error) === 'email') {
        throw new AuthError('email_taken', 'that email is already registered')
      }
      throw error
    }
    const row = await db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow()
    return c.json({ user: toUserJson(row) }, 200)
  })

  app.openapi(changePassword, async (c) => {
    const session = requireSession(c)
    const body = c.req.valid('json')
    const userId = session.user.id
    if (body.newPassword.toLowerCase() === session.user.username) {
      throw new AuthError('validation_failed', 'invalid newPassword', {
        fields: { newPassword: 'must not be the username' },
      })
    }
    await deps.rateLimits.consume('passwordUser', userId)
    const row = await db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow()
    if (!(await deps.passwords.verify(row.password_hash, body.currentPassword))) {
      throw new AuthError('invalid_credentials', 'the current password is wrong')
    }
    await deps.rateLimits.reset('passwordUser', userId)
    const password_hash = await deps.passwords.hash(body.newPassword)
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ password_hash, updated_at: deps.now() })
        .where('id', '=', userId)
        .execute()
      await trx
        .deleteFrom('sessions')
        .where('user_id', '=', userId)
        .where('id', '!=', session.sessionId)
        .execute()
      await deps.outbox.enqueueAccessChange(trx, { kind: 'user', userId, at: deps.now() })
    })
    await deps.outbox.kick()
    return c.body(null, 204)
  })

  return app
}
