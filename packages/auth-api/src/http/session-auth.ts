// Reads the caller's session from the cookie (web app) or an
// `Authorization: Bearer` header (SDK, mobile), and guards cookie sessions
// against CSRF: an unsafe method must come from an allowed Origin or from
// the host the request was sent to, or, when a browser sends no Origin, with
// `Sec-Fetch-Site: same-origin`. Bearer tokens
// are never sent by a browser on its own, so they need no such check.
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../accounts/session-cookie.ts'
import { type ValidSession, validateSession } from '../accounts/sessions.ts'
import type { AuthDeps } from '../deps.ts'
import { AuthError } from '../errors.ts'
import type { AuthEnv } from './env.ts'

export { SESSION_COOKIE } from '../accounts/session-cookie.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function sessionAuth(
  deps: Pick<AuthDeps, 'database' | 'settings' | 'now'>,
): MiddlewareHandler<AuthEnv> {
  return async function readSession(c, next) {
    const bearer = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
    const cookie = getCookie(c, SESSION_COOKIE)
    const token = bearer ?? cookie
    const via = bearer !== undefined ? 'bearer' : cookie !== undefined ? 'cookie' : undefined
    if (via === 'cookie' && !SAFE_METHODS.has(c.req.method)) {
      checkSameOrigin(c, deps.settings.allowedOrigins)
    }
    c.set('sessionVia', via)
    const session = token === undefined ? undefined : await validateSession(deps, token)
    c.set('session', session)
    // The cookie follows the session: dropped once dead, renewed when the expiry slid.
    if (via === 'cookie' && cookie !== undefined) {
      if (!session) clearSessionCookie(c, deps.settings)
      else if (session.extended)
        setSessionCookie(
          c,
          deps.settings,
          { token: cookie, expiresAt: session.expiresAt },
          deps.now(),
        )
    }
    await next()
  }
}

function checkSameOrigin(c: Context, allowedOrigins: readonly string[]): void {
  const origin = c.req.header('origin')
  if (origin !== undefined) {
    if (allowedOrigins.includes(origin) || sameHost(origin, c.req.header('host'))) return
    throw new AuthError('csrf_rejected', `requests from origin ${origin} are not allowed`)
  }
  if (c.req.header('sec-fetch-site') === 'same-origin') return
  throw new AuthError('csrf_rejected', 'a cookie-authenticated request needs an Origin header')
}

/** A page served by this very host (whatever name or port it was reached by) is same-origin. */
function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false
  return URL.parse(origin)?.host === host
}

/** The caller's session, or a 401. */
export function requireSession(c: Context<AuthEnv>): ValidSession {
  const session = c.get('session')
  if (!session) throw new AuthError('unauthorized', 'sign in first')
  return session
}
