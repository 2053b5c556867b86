// Registration on both stores: the session transports, what is stored, 409s
// that survive a race, and the per-IP rate limit (X-Forwarded-For counts
// only behind a trusted proxy).
import { expect, it } from 'vitest'
import { createApi, tableCounts } from '../testing/api.ts'
import { sessionCookieOf } from '../testing/cookies.ts'
import { describeEachStore, testSettings } from '../testing/test-auth.ts'
import { createRateLimits } from './rate-limits.ts'
import { hashSecret } from './session-token.ts'

const ttlSeconds = testSettings.sessionTtlMs / 1000

describeEachStore('register', (auth) => {
  const api = createApi(auth)

  it('creates the user lower-cased and signs in with an HttpOnly cookie by default', async () => {
    const reply = await api.call('POST', '/register', {
      body: {
        username: 'Ann.B-2_',
        password: 'a long enough password',
        displayName: 'Ann B.',
        email: 'Ann@Example.org',
      },
    })
    expect(reply.status).toBe(201)
    expect(reply.body).toEqual({
      user: {
        id: expect.any(String),
        username: 'ann.b-2_',
        displayName: 'Ann B.',
        email: 'ann@example.org',
      },
      expiresAt: expect.any(Number),
    })
    const cookie = sessionCookieOf(reply.headers)
    expect(cookie?.value).toMatch(/^[a-z2-7]{24}\.[a-z2-7]{24}$/)
    expect(cookie?.attributes).toMatchObject({ httponly: '', samesite: 'Lax', path: '/' })
    expect(Number(cookie?.attributes['max-age'])).toBe(ttlSeconds)
    expect(cookie?.attributes).not.toHaveProperty('secure') // publicUrl is http here
    const me = await api.call('GET', '/me', { headers: { cookie: cookie?.header ?? '' } })
    expect(me.body).toEqual({ user: reply.body.user })

    // Stored: an argon2id PHC hash (never the password) and only the hash of the token's secret.
    const { db } = auth().deps.database
    const user = await db.selectFrom('users').selectAll().executeTakeFirstOrThrow()
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(user.password_hash).not.toContain('a long enough password')
    const [id, secret] = (cookie?.value ?? '').split('.') as [string, string]
    const session = await db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow()
    expect(session).toMatchObject({ id, user_id: user.id, secret_hash: hashSecret(secret) })
    expect(session.secret_hash).not.toContain(secret)
  })

  it('returns a bearer token in the body and sets no cookie when asked', async () => {
    const before = auth().deps.now()
    const reply = await api.call<{ token: string; expiresAt: number }>('POST', '/register', {
      body: { username: 'bob', password: 'a long enough password', session: 'bearer' },
    })
    expect(reply.status).toBe(201)
    expect(reply.body.token).toMatch(/^[a-z2-7]{24}\.[a-z2-7]{24}$/)
    expect(reply.body.expiresAt).toBeGreaterThanOrEqual(before + testSettings.sessionTtlMs)
    expect(reply.headers.getSetCookie()).toEqual([])
    const me = await api.call('GET', '/me', { token: reply.body.token })
    expect(me.body).toMatchObject({ user: { username: 'bob', displayName: 'bob', email: null } })
  })

  it('answers 409 for a taken username or email whatever the case, and stores nothing', async () => {
    await api.register('ann', { email: 'ann@example.org' })
    const before = await tableCounts(auth())
    const name = await api.call('POST', '/register', {
      body: { username: 'ANN', password: 'another password' },
    })
    expect(name.status).toBe(409)
    expect(name.body).toMatchObject({ error: { code: 'username_taken' } })
    const email = await api.call('POST', '/register', {
      body: { username: 'ann2', password: 'another password', email: 'ANN@example.org' },
    })
    expect(email.status).toBe(409)
    expect(email.body).toMatchObject({ error: { code: 'email_taken' } })
    expect(await tableCounts(auth())).toEqual(before)
  })

  it('lets exactly one of two racing registrations of a name or an email win', async () => {
    const race = (bodies: object[]) =>
      Promise.all(bodies.map((body) => api.call('POST', '/register', { body })))
    const names = await race([
      { username: 'carol', password: 'first long password' },
      { username: 'Carol', password: 'second long password' },
    ])
    expect(names.map((r) => r.status).sort()).toEqual([201, 409])
    const emails = await race([
      { username: 'dave', password: 'first long password', email: 'd@example.org' },
      { username: 'erin', password: 'second long password', email: 'D@example.org' },
    ])
    expect(emails.map((r) => r.status).sort()).toEqual([201, 409])
    expect(emails.find((r) => r.status === 409)?.body).toMatchObject({
      error: { code: 'email_taken' },
    })
    expect((await tableCounts(auth())).users).toBe(2)
  })

  it('allows five registrations per IP a minute, then 429 with Retry-After before any work', async () => {
    for (let i = 0; i < 5; i++) await api.register(`user${i}`)
    const before = await tableCounts(auth())
    // Without a trusted proxy, X-Forwarded-For is the client's word and changes nothing.
    const sixth = await api.call('POST', '/register', {
      body: { username: 'user5', password: 'a long password' },
      headers: { 'x-forwarded-for': '203.0.113.9' },
    })
    expect(sixth.status).toBe(429)
    expect(sixth.body).toMatchObject({ error: { code: 'rate_limited' } })
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await tableCounts(auth())).toEqual(before)
  })
})

describeEachStore(
  'register behind a proxy over https',
  (auth) => {
    const api = createApi(auth)

    it('marks the cookie Secure when the app is served over https', async () => {
      const reply = await api.call('POST', '/register', {
        body: { username: 'ann', password: 'a long enough password' },
      })
      expect(sessionCookieOf(reply.headers)?.attributes).toHaveProperty('secure')
    })

    it('counts registrations per forwarded client IP', async () => {
      const from = (ip: string, username: string) =>
        api.call('POST', '/register', {
          body: { username, password: 'a long enough password', session: 'bearer' },
          headers: { 'x-forwarded-for': `${ip}, 10.0.0.1` },
        })
      expect((await from('198.51.100.1', 'ann')).status).toBe(201)
      expect((await from('198.51.100.1', 'bob')).status).toBe(429)
      expect((await from('198.51.100.2', 'bob')).status).toBe(201)
    })
  },
  () => ({
    settings: { ...testSettings, publicUrl: 'https://plansync.example', trustProxy: true },
    rateLimits: createRateLimits({ rules: { registerIp: { points: 1, duration: 60 } } }),
  }),
)
