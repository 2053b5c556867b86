// Accounts and sessions on both stores: registration, login, logout,
// validation, and the attacks the issue lists (enumeration, brute force,
// fixation, stolen sessions, CSRF, injection, bad bodies).
import { ACCESS_CHANGES_CHANNEL, decodeAccessChange } from '@plansync/protocol'
import { expect, it } from 'vitest'
import { createApi, tableCounts } from '../testing/api.ts'
import { describeEachStore } from '../testing/test-auth.ts'
import { createPasswordHasher } from './password-hasher.ts'

const origin = 'http://127.0.0.1:8080'
const injections = [
  `' OR 1=1 --`,
  `"; DROP TABLE users; --`,
  `admin'--`,
  `x' UNION SELECT * FROM sessions --`,
]

describeEachStore('accounts', (auth) => {
  const api = createApi(auth)

  it('registers with a cookie session by default, and with a bearer token when asked', async () => {
    const cookie = await api.call('POST', '/register', {
      body: { username: 'Ann', password: 'a long enough password', email: 'Ann@Example.org' },
    })
    expect(cookie.status).toBe(201)
    expect(cookie.body).toMatchObject({
      user: { username: 'ann', email: 'ann@example.org', displayName: 'ann' },
    })
    expect(cookie.body).not.toHaveProperty('token')
    const setCookie = cookie.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/^plansync_session=[a-z2-7]{24}\.[a-z2-7]{24};/)
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Lax/)
    const bob = await api.register('bob')
    const me = await api.call('GET', '/me', { token: bob.token })
    expect(me.body).toMatchObject({ user: { id: bob.id, username: 'bob' } })
  })

  it('names every bad field in a 400 and stores nothing', async () => {
    const before = await tableCounts(auth())
    const reply = await api.call('POST', '/register', {
      body: { username: 'a!', password: 'short', email: 'not-an-email' },
    })
    expect(reply.status).toBe(400)
    expect(reply.body).toMatchObject({ error: { code: 'validation_failed' } })
    const fields = (reply.body.error as { fields: Record<string, string> }).fields
    expect(Object.keys(fields).sort()).toEqual(['email', 'password', 'username'])
    const same = await api.call('POST', '/register', {
      body: { username: 'samesame', password: 'SameSame' },
    })
    expect(same.status).toBe(400)
    expect(await tableCounts(auth())).toEqual(before)
  })

  it('refuses malformed JSON, a wrong content type and an oversized body', async () => {
    const before = await tableCounts(auth())
    const malformed = await api.call('POST', '/register', { body: '{"username": "ann",' })
    expect(malformed.status).toBe(400)
    expect(malformed.body).toMatchObject({ error: { code: 'invalid_request' } })
    const text = await api.call('POST', '/register', {
      body: 'username=ann',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(text.status).toBe(415)
    expect(text.body).toMatchObject({ error: { code: 'unsupported_media_type' } })
    const huge = await api.call('POST', '/register', {
      body: { username: 'ann', password: 'x'.repeat(100_000) },
    })
    expect(huge.status).toBe(413)
    expect(huge.body).toMatchObject({ error: { code: 'payload_too_large' } })
    expect(await tableCounts(auth())).toEqual(before)
  })

  it('answers 409 for a taken username or email, whatever the case', async () => {
    await api.register('ann', { email: 'ann@example.org' })
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
  })

  it('gives an unknown user and a wrong password the same answer in similar time', async () => {
    await api.register('ann')
    const timed = async (username: string) => {
      const started = performance.now()
      const reply = await api.call('POST', '/login', {
        body: { username, password: 'wrong password!' },
      })
      return { reply, ms: performance.now() - started }
    }
    const unknown = [await timed('nobody'), await timed('nobody2'), await timed('nobody3')]
    const wrong = [await timed('ann'), await timed('ann'), await timed('ann')]
    for (const { reply } of [...unknown, ...wrong]) {
      expect(reply.status).toBe(401)
      expect(reply.body).toEqual({
        error: { code: 'invalid_credentials', message: 'wrong username or password' },
      })
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1] as number
    const ratio = median(unknown.map((t) => t.ms)) / median(wrong.map((t) => t.ms))
    // Both run one argon2id verification; without the dummy an unknown user answers ~100× faster.
    expect(ratio).toBeGreaterThan(0.33)
    expect(ratio).toBeLessThan(3)
  })

  it('blocks brute force past the limit with 429 and Retry-After, even for the right password', async () => {
    const ann = await api.register('ann')
    for (let attempt = 0; attempt < 5; attempt++) {
      const reply = await api.call('POST', '/login', {
        body: { username: 'ann', password: `guess number ${attempt}` },
      })
      expect(reply.status).toBe(401)
    }
    const blocked = await api.call('POST', '/login', {
      body: { username: 'ann', password: ann.password },
    })
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(blocked.body).toMatchObject({ error: { code: 'rate_limited' } })
  })

  it('limits registrations per IP', async () => {
    for (let i = 0; i < 5; i++) await api.register(`user${i}`)
    const sixth = await api.call('POST', '/register', {
      body: { username: 'user5', password: 'a long password' },
    })
    expect(sixth.status).toBe(429)
  })

  it('issues a fresh session on login and ignores one planted before (no fixation)', async () => {
    const ann = await api.register('ann')
    const planted = ann.token
    const login = await api.call('POST', '/login', {
      token: planted,
      body: { username: 'ann', password: ann.password, session: 'bearer' },
    })
    expect(login.status).toBe(200)
    expect(login.body.token).not.toBe(planted)
    expect((await api.call('GET', '/me', { token: planted })).status).toBe(401)
    expect((await api.call('GET', '/me', { token: login.body.token as string })).status).toBe(200)
  })

  it('ends a session on logout and every session on logout-all, announcing it to the sync servers', async () => {
    const ann = await api.register('ann')
    const second = await api.call('POST', '/login', {
      body: { username: 'ann', password: ann.password, session: 'bearer' },
    })
    const third = await api.call('POST', '/login', {
      body: { username: 'ann', password: ann.password, session: 'bearer' },
    })
    expect((await api.call('POST', '/logout', { token: ann.token })).status).toBe(204)
    expect((await api.call('GET', '/me', { token: ann.token })).status).toBe(401)
    expect((await api.call('GET', '/me', { token: second.body.token as string })).status).toBe(200)
    const heard: unknown[] = []
    await auth().deps.pubsub.subscribe(ACCESS_CHANGES_CHANNEL, (m) =>
      heard.push(decodeAccessChange(m)),
    )
    expect(
      (await api.call('POST', '/logout-all', { token: second.body.token as string })).status,
    ).toBe(204)
    for (const token of [second.body.token, third.body.token] as string[]) {
      expect((await api.call('GET', '/me', { token })).status).toBe(401)
    }
    await expect
      .poll(() => heard)
      .toEqual([expect.objectContaining({ kind: 'user', userId: ann.id })])
  })

  it('expires an idle session and slides an active one', async () => {
    const ann = await api.register('ann')
    const day = 24 * 60 * 60 * 1000
    auth().clock.advance(20 * day)
    expect((await api.call('GET', '/me', { token: ann.token })).status).toBe(200) // extended here
    auth().clock.advance(20 * day)
    expect((await api.call('GET', '/me', { token: ann.token })).status).toBe(200)
    auth().clock.advance(31 * day)
    expect((await api.call('GET', '/me', { token: ann.token })).status).toBe(401)
  })

  it('refuses a forged or mangled token', async () => {
    const ann = await api.register('ann')
    const [id] = ann.token.split('.')
    for (const token of [
      `${id}.${'a'.repeat(24)}`,
      `${ann.token}x`,
      'nonsense',
      injections[0] as string,
    ]) {
      expect((await api.call('GET', '/me', { token })).status).toBe(401)
    }
  })

  it('guards cookie sessions against CSRF on unsafe methods', async () => {
    await api.call('POST', '/register', {
      body: { username: 'ann', password: 'a long enough password' },
    })
    const login = await api.call('POST', '/login', {
      body: { username: 'ann', password: 'a long enough password' },
    })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string
    const foreign = await api.call('POST', '/logout', {
      headers: { cookie, origin: 'https://evil.example' },
    })
    expect(foreign.status).toBe(403)
    expect(foreign.body).toMatchObject({ error: { code: 'csrf_rejected' } })
    const bare = await api.call('POST', '/logout', { headers: { cookie } })
    expect(bare.status).toBe(403)
    expect((await api.call('GET', '/me', { headers: { cookie } })).status).toBe(200)
    const otherHost = await api.call('POST', '/logout', {
      headers: { cookie, origin: 'http://localhost:9999', host: 'localhost:1234' },
    })
    expect(otherHost.status).toBe(403)
    // The page's own host, however it was reached, is same-origin.
    const sameHost = await api.call('POST', '/password', {
      headers: { cookie, origin: 'http://localhost:1234', host: 'localhost:1234' },
      body: { currentPassword: 'wrong', newPassword: 'whatever long enough' },
    })
    expect(sameHost.status).toBe(401)
    expect((await api.call('POST', '/logout', { headers: { cookie, origin } })).status).toBe(204)
    expect((await api.call('GET', '/me', { headers: { cookie } })).status).toBe(401)
  })

  it('stores SQL injection strings literally in every text field and changes nothing else', async () => {
    await api.register('ann')
    for (const [i, evil] of injections.entries()) {
      const reply = await api.call('POST', '/register', {
        body: { username: `evil${i}`, password: `${evil} padding padding`, displayName: evil },
      })
      expect(reply.status).toBe(201)
      expect(reply.body).toMatchObject({ user: { displayName: evil } })
      const login = await api.call('POST', '/login', { body: { username: evil, password: evil } })
      expect(login.status).toBe(401)
    }
    const users = await auth().deps.database.db.selectFrom('users').select('username').execute()
    expect(users.map((u) => u.username).sort()).toEqual(['ann', 'evil0', 'evil1', 'evil2', 'evil3'])
  })

  it('refuses NUL characters in text fields with a 400 on both stores', async () => {
    const before = await tableCounts(auth())
    const nul = 'x\u0000y'
    const register = await api.call('POST', '/register', {
      body: { username: 'ann', password: 'a long password', displayName: nul },
    })
    expect(register.status).toBe(400)
    const login = await api.call('POST', '/login', { body: { username: nul, password: nul } })
    expect(login.status).toBe(400)
    expect(await tableCounts(auth())).toEqual(before)
  })

  it('changes the password: old one fails, other sessions end, the current one stays', async () => {
    const ann = await api.register('ann')
    const other = await api.call('POST', '/login', {
      body: { username: 'ann', password: ann.password, session: 'bearer' },
    })
    const wrong = await api.call('POST', '/password', {
      token: ann.token,
      body: { currentPassword: 'nope', newPassword: 'a brand new password' },
    })
    expect(wrong.status).toBe(401)
    const changed = await api.call('POST', '/password', {
      token: ann.token,
      body: { currentPassword: ann.password, newPassword: 'a brand new password' },
    })
    expect(changed.status).toBe(204)
    expect((await api.call('GET', '/me', { token: ann.token })).status).toBe(200)
    expect((await api.call('GET', '/me', { token: other.body.token as string })).status).toBe(401)
    expect(
      (await api.call('POST', '/login', { body: { username: 'ann', password: ann.password } }))
        .status,
    ).toBe(401)
    expect(
      (
        await api.call('POST', '/login', {
          body: { username: 'ann', password: 'a brand new password' },
        })
      ).status,
    ).toBe(200)
  })

  it('rehashes a password made with old parameters at login', async () => {
    const weak = createPasswordHasher({
      parameters: { memoryCost: 8192, timeCost: 1, parallelism: 1 },
    })
    const { db } = auth().deps.database
    await api.register('ann')
    await db
      .updateTable('users')
      .set({ password_hash: await weak.hash('ann-long-password') })
      .where('username', '=', 'ann')
      .execute()
    expect(
      (
        await api.call('POST', '/login', {
          body: { username: 'ann', password: 'ann-long-password' },
        })
      ).status,
    ).toBe(200)
    const row = await db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'ann')
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  })

  it('updates the profile and refuses a taken email', async () => {
    const ann = await api.register('ann')
    await api.register('bob', { email: 'bob@example.org' })
    const renamed = await api.call('PATCH', '/me', {
      token: ann.token,
      body: { displayName: 'Ann B.' },
    })
    expect(renamed.body).toMatchObject({ user: { displayName: 'Ann B.' } })
    const taken = await api.call('PATCH', '/me', {
      token: ann.token,
      body: { email: 'BOB@example.org' },
    })
    expect(taken.status).toBe(409)
  })
})
