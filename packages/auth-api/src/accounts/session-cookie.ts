// The session cookie of the web app: HttpOnly (scripts never see the token),
// SameSite=Lax, Path=/, Secure when the app is served over https, and a
// Max-Age that follows the session's expiry (set again whenever the sliding
// expiry extends it, so an active user's browser never drops a live session).
import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import type { AuthSettings } from '../deps.ts'

export const SESSION_COOKIE = 'plansync_session'

const secureFor = (settings: Pick<AuthSettings, 'publicUrl'>) =>
  settings.publicUrl.startsWith('https:')

export function setSessionCookie(
  c: Context,
  settings: Pick<AuthSettings, 'publicUrl'>,
  session: { token: string; expiresAt: number },
  now: number,
): void {
  setCookie(c, SESSION_COOKIE, session.token, {
    httpOnly: true,
    secure: secureFor(settings),
    sameSite: 'Lax',
    path: '/',
    maxAge: Math.max(0, Math.floor((session.expiresAt - now) / 1000)),
  })
}

export function clearSessionCookie(c: Context, settings: Pick<AuthSettings, 'publicUrl'>): void {
  deleteCookie(c, SESSION_COOKIE, {
    httpOnly: true,
    secure: secureFor(settings),
    sameSite: 'Lax',
    path: '/',
  })
}
