// Hands a new session to the client the way it asked: an HttpOnly cookie for
// browsers, or the token in the body for SDK and mobile clients. Whatever
// session the request presented is ended first: signing in never keeps or
// reuses a token the client (or someone who planted it) already had.
import type { Context } from 'hono'
import type { AuthDeps } from '../deps.ts'
import type { AuthEnv } from '../http/env.ts'
import { clearSessionCookie, setSessionCookie } from './session-cookie.ts'
import { createSession, invalidateSession } from './sessions.ts'

export { clearSessionCookie } from './session-cookie.ts'

export type SessionTransport = 'cookie' | 'bearer'

export async function issueSession(
  c: Context<AuthEnv>,
  deps: Pick<AuthDeps, 'database' | 'settings' | 'now'>,
  userId: string,
  transport: SessionTransport,
): Promise<{ token?: string; expiresAt: number }> {
  const previous = c.get('session')
  if (previous) await invalidateSession(deps, previous.sessionId)
  const session = await createSession(deps, userId)
  if (transport === 'bearer') {
    // A browser that switches to a bearer token keeps no stale cookie.
    if (c.get('sessionVia') === 'cookie') clearSessionCookie(c, deps.settings)
    return { token: session.token, expiresAt: session.expiresAt }
  }
  setSessionCookie(c, deps.settings, session, session.createdAt)
  return { expiresAt: session.expiresAt }
}
