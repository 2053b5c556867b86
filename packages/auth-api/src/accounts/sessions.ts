// Session lifecycle: create, validate with sliding expiry, revoke one or all.
// A session lives `sessionTtlMs` from its last use; it is extended (one row
// write) only once less than half of that is left, not on every request.

import type { UsersTable } from '../db/schema.ts'
import type { AuthDeps } from '../deps.ts'
import { generateSessionToken, parseSessionToken, secretMatches } from './session-token.ts'

export type SessionUser = Pick<UsersTable, 'id' | 'username' | 'display_name' | 'email'>

export interface ValidSession {
  sessionId: string
  expiresAt: number
  /** True when this request moved the expiry (a cookie must then be set again). */
  extended: boolean
  user: SessionUser
}

type Deps = Pick<AuthDeps, 'database' | 'settings' | 'now'>

export async function createSession(
  deps: Deps,
  userId: string,
): Promise<{ token: string; sessionId: string; createdAt: number; expiresAt: number }> {
  const { token, id, secretHash } = generateSessionToken()
  const now = deps.now()
  const expiresAt = now + deps.settings.sessionTtlMs
  await deps.database.db
    .insertInto('sessions')
    .values({
      id,
      secret_hash: secretHash,
      user_id: userId,
      created_at: now,
      expires_at: expiresAt,
      last_used_at: now,
    })
    .execute()
  return { token, sessionId: id, createdAt: now, expiresAt }
}

/** The session and its user, or undefined for an unknown, wrong or expired token. */
export async function validateSession(
  deps: Deps,
  token: string,
): Promise<ValidSession | undefined> {
  const parts = parseSessionToken(token)
  if (!parts) return undefined
  const { db } = deps.database
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as sessionId',
      'sessions.secret_hash',
      'sessions.expires_at',
      'users.id',
      'users.username',
      'users.display_name',
      'users.email',
    ])
    .where('sessions.id', '=', parts.id)
    .executeTakeFirst()
  if (!row || !secretMatches(parts.secret, row.secret_hash)) return undefined
  const now = deps.now()
  if (row.expires_at <= now) {
    await db.deleteFrom('sessions').where('id', '=', row.sessionId).execute()
    return undefined
  }
  let expiresAt = row.expires_at
  const extended = expiresAt - now < deps.settings.sessionTtlMs / 2
  if (extended) {
    expiresAt = now + deps.settings.sessionTtlMs
    await db
      .updateTable('sessions')
      .set({ expires_at: expiresAt, last_used_at: now })
      .where('id', '=', row.sessionId)
      .execute()
  }
  const { id, username, display_name, email } = row
  return {
    sessionId: row.sessionId,
    expiresAt,
    extended,
    user: { id, username, display_name, email },
  }
}

export async function invalidateSession(deps: Deps, sessionId: string): Promise<void> {
  await deps.database.db.deleteFrom('sessions').where('id', '=', sessionId).execute()
}
