// Account routes: register, login, logout (one session or all), the current
// user, profile and password changes. Unknown users and wrong passwords get
// the same answer in about the same time (a dummy verify), and every login
// issues a fresh session token (no fixation).
import { randomUUID } from 'node:crypto'
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { uniqueViolation } from '../db/unique-violation.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import { clientIp } from '../http/client-ip.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'
import {
  ChangePasswordBody,
  LoginBody,
  RegisterBody,
  toUserJson,
  UpdateMeBody,
  UserResponse,
} from './schemas.ts'
import { clearSessionCookie, sessionFields } from './session-response.ts'
import { createSession, invalidateSession } from './sessions.ts'

const tags = ['accounts']
const ok = { 200: jsonResponse(UserResponse, 'the user'), ...errorResponses }
const noContent = { 204: { description: 'done' }, ...errorResponses }

export function accountRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database

  const findUser = (id: string) =>
    db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  app.openapi(
    createRoute({
      method: 'post',
      path: '/register',
      tags,
      request: { body: jsonBody(RegisterBody) },
      responses: {
        201: jsonResponse(UserResponse, 'registered and signed in'),
        ...errorResponses,
        409: jsonResponse(UserResponse, 'taken'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      await deps.rateLimits.consume('registerIp', clientIp(c, deps.settings.trustProxy))
      const now = deps.now()
      const user = {
        id: randomUUID(),
        username: body.username,
        display_name: body.displayName ?? body.username,
        email: body.email ?? null,
        password_hash: await deps.passwords.hash(body.password),
        created_at: now,
        updated_at: now,
      }
      try {
        await db.insertInto('users').values(user).execute()
      } catch (error) {
        const column = uniqueViolation(error)
        if (column === 'email')
          throw new AuthError('email_taken', 'that email is already registered')
        if (column) throw new AuthError('username_taken', 'that username is taken')
        throw error
      }
      const session = await createSession(deps, user.id)
      return c.json(
        { user: toUserJson(user), ...sessionFields(c, deps.settings, body.session, session, now) },
        201,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/login',
      tags,
      request: { body: jsonBody(LoginBody) },
      responses: ok,
    }),
    async (c) => {
      const body = c.req.valid('json')
      const username = body.username.trim().toLowerCase()
      const ip = clientIp(c, deps.settings.trustProxy)
      await deps.rateLimits.consume('loginIp', ip)
      await deps.rateLimits.consume('loginUserIp', `${username}|${ip}`)
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('username', '=', username)
        .executeTakeFirst()
      if (!row) {
        await deps.passwords.verifyDummy(body.password)
        throw new AuthError('invalid_credentials', 'wrong username or password')
      }
      if (!(await deps.passwords.verify(row.password_hash, body.password))) {
        throw new AuthError('invalid_credentials', 'wrong username or password')
      }
      await deps.rateLimits.reset('loginUserIp', `${username}|${ip}`)
      if (deps.passwords.needsRehash(row.password_hash)) {
        const password_hash = await deps.passwords.hash(body.password)
        await db.updateTable('users').set({ password_hash }).where('id', '=', row.id).execute()
      }
      // A session the client already held (perhaps planted) is never reused.
      const previous = c.get('session')
      if (previous) await invalidateSession(deps, previous.sessionId)
      const now = deps.now()
      const session = await createSession(deps, row.id)
      return c.json(
        { user: toUserJson(row), ...sessionFields(c, deps.settings, body.session, session, now) },
        200,
      )
    },
  )

  app.openapi(
    createRoute({ method: 'post', path: '/logout', tags, responses: noContent }),
    async (c) => {
      const session = requireSession(c)
      await invalidateSession(deps, session.sessionId)
      clearSessionCookie(c, deps.settings)
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({ method: 'post', path: '/logout-all', tags, responses: noContent }),
    async (c) => {
      const userId = requireSession(c).user.id
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('sessions').where('user_id', '=', userId).execute()
        // Live sync connections close too, even if this process dies right now.
        await deps.outbox.enqueueAccessChange(trx, { kind: 'user', userId, at: deps.now() })
      })
      await deps.outbox.kick()
      clearSessionCookie(c, deps.settings)
      return c.body(null, 204)
    },
  )

  app.openapi(createRoute({ method: 'get', path: '/me', tags, responses: ok }), async (c) => {
    const session = requireSession(c)
    return c.json({ user: toUserJson(session.user) }, 200)
  })

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/me',
      tags,
      request: { body: jsonBody(UpdateMeBody) },
      responses: { ...ok, 409: jsonResponse(UserResponse, 'email taken') },
    }),
    async (c) => {
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
        if (uniqueViolation(error) === 'email')
          throw new AuthError('email_taken', 'that email is already registered')
        throw error
      }
      return c.json({ user: toUserJson(await findUser(user.id)) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/password',
      tags,
      request: { body: jsonBody(ChangePasswordBody) },
      responses: noContent,
    }),
    async (c) => {
      const session = requireSession(c)
      const body = c.req.valid('json')
      const row = await findUser(session.user.id)
      if (!(await deps.passwords.verify(row.password_hash, body.currentPassword))) {
        throw new AuthError('invalid_credentials', 'the current password is wrong')
      }
      const password_hash = await deps.passwords.hash(body.newPassword)
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ password_hash, updated_at: deps.now() })
          .where('id', '=', row.id)
          .execute()
        // Every other session ends: whoever else held one must sign in again.
        await trx
          .deleteFrom('sessions')
          .where('user_id', '=', row.id)
          .where('id', '!=', session.sessionId)
          .execute()
        await deps.outbox.enqueueAccessChange(trx, { kind: 'user', userId: row.id, at: deps.now() })
      })
      await deps.outbox.kick()
      return c.body(null, 204)
    },
  )

  return app
}
