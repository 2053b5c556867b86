// A stand-in for the auth API in unit tests: a `fetch` that answers sync
// token requests (numbered tokens t1, t2, ... with the role and lifetime the
// test sets), logout and login, and records every call.
import type { User } from '../auth-api.ts'

export interface FakeAuth {
  readonly fetch: typeof fetch
  /** Every request: method, path under /auth, and its Authorization header. */
  readonly calls: Array<{ method: string; path: string; authorization: string | null }>
  /** Sync tokens handed out so far. */
  tokens(): number
  role: 'owner' | 'editor' | 'viewer'
  /** Lifetime of the next sync tokens. */
  ttlSeconds: number
  /** While true, every request fails as with no network. */
  unreachable: boolean
  /** How long each answer takes. */
  delayMs: number
}

export const ann: User = { id: 'u-ann', username: 'ann', displayName: 'Ann', email: null }

export function createFakeAuth(): FakeAuth {
  let issued = 0
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  const auth: FakeAuth = {
    calls: [],
    tokens: () => issued,
    role: 'editor',
    ttlSeconds: 300,
    unreachable: false,
    delayMs: 0,
    fetch: async (input, init) => {
      const path = new URL(String(input)).pathname.replace(/^\/auth/, '')
      const headers = new Headers(init?.headers)
      auth.calls.push({
        method: init?.method ?? 'GET',
        path,
        authorization: headers.get('authorization'),
      })
      if (auth.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, auth.delayMs))
      if (auth.unreachable) throw new TypeError('fetch failed (test: no network)')
      if (path === '/sync-tokens') {
        issued += 1
        // As the auth API answers: `expiresAt` is the token's exp, in seconds.
        const expiresAt = Math.floor(Date.now() / 1000) + auth.ttlSeconds
        return json({ token: `t${issued}`, expiresAt, role: auth.role })
      }
      if (path === '/logout') return new Response(null, { status: 204 })
      if (path === '/login') return json({ token: `session-${issued}`, user: ann })
      return json({ error: { code: 'unauthorized', message: 'sign in' } }, 401)
    },
  }
  return auth
}
