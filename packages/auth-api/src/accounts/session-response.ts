// Hands a new session to the client the way it asked: an HttpOnly cookie
// for browsers (Secure when the app is served over https), or the token in
// the body for SDK and mobile clients.
import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import type { AuthSettings } from '../deps.ts'
import { SESSION_COOKIE } from '../http/session-auth.ts'

export function sessionFields(
  c: Context,
  settings: AuthSettings,
  transport: 'cookie' | 'bearer',
  session: { token: string; expiresAt: number },
  now: number,
): { token?: string; expiresAt: number } {
  if (transport === 'bearer') return { token: session.token, expiresAt: session.expiresAt }
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    secure: settings.publicUrl.startsWith('https:'),
    sameSite: 'Lax',
    path: '/',
    maxAge: Math.floor((session.expiresAt - now) / 1000),
  })
  return { expiresAt: session.expiresAt }
}

export function clearSessionCookie(c: Context, settings: AuthSettings): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: settings.publicUrl.startsWith('https:') })
}
