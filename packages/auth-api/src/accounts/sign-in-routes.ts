// Register and login. Unknown users and wrong passwords get the same answer
// in about the same time (a dummy verify); attempts are rate limited before
// any hashing; every success issues a fresh session (no fixation).
import { randomUUID } from 'node:crypto'
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { uniqueViolation } from '../db/unique-violation.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import { clientIp } from '../http/client-ip.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse } from '../http/openapi.ts'
import { LoginBody, RegisterBody, SessionResponse, toUserJson } from './schemas.ts'
import { issueSession } from './session-response.ts'

const tags = ['accounts']

const register = createRoute({
  method: 'post',
  path: '/register',
  tags,
  summary: 'Create an account and sign in',
  request: { body: jsonBody(RegisterBody) },
  responses: {
    201: jsonResponse(SessionResponse, 'registered and signed in'),
    ...errorResponses,
  },
})

const login = createRoute({
  method: 'post',
  path: '/login',
  tags,
  summary: 'Sign in with a fresh session',
  request: { body: jsonBody(LoginBody) },
  responses: { 200: jsonResponse(SessionResponse, 'signed in'), ...errorResponses },
})

export function signInRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database

  app.openapi(register, async (c) => {
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
    // No pre-check: the unique constraints decide, so two racing
    // registrations of one name end in one 201 and one 409.
    try {
      await db.insertInto('users').values(user).execute()
    } catch (error) {
      const column = uniqueViolation(error)
      if (column === 'email') throw new AuthError('email_taken', 'that email is already registered')
      if (column) throw new AuthError('username_taken', 'that username is taken')
      throw error
    }
    const session = await issueSession(c, deps, user.id, body.session)
    return c.json({ user: toUserJson(user), ...session }, 201)
  })

  app.openapi(login, async (c) => {
    const body = c.req.valid('json')
    const username = body.username.trim().toLowerCase()
    const ip = clientIp(c, deps.settings.trustProxy)
    const userIpKey = `${username}|${ip}`
    await deps.rateLimits.consume('loginIp', ip)
    await deps.rateLimits.consume('loginUserIp', userIpKey)
    const row = await db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst()
    const valid = row
      ? await deps.passwords.verify(row.password_hash, body.password)
      : await deps.passwords.verifyDummy(body.password).then(() => false)
    if (!row || !valid) throw new AuthError('invalid_credentials', 'wrong username or password')
    await deps.rateLimits.reset('loginUserIp', userIpKey)
    if (deps.passwords.needsRehash(row.password_hash)) {
      const password_hash = await deps.passwords.hash(body.password)
      await db.updateTable('users').set({ password_hash }).where('id', '=', row.id).execute()
    }
    const session = await issueSession(c, deps, row.id, body.session)
    return c.json({ user: toUserJson(row), ...session }, 200)
  })

  return app
}
