// Login on both stores: the same answer in similar time for an unknown user
// and a wrong password, brute force refused past the limit (even the right
// password), no session fixation, and rehashing old hashes.
import { expect, it } from 'vitest'
import { createApi, tableCounts } from '../testing/api.ts'
import { sessionCookieOf } from '../testing/cookies.ts'
import { describeEachStore, testSettings } from '../testing/test-auth.ts'
import { createPasswordHasher } from './password-hasher.ts'
import { createRateLimits } from './rate-limits.ts'

const origin = testSettings.publicUrl
const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1] as number

describeEachStore('login', (auth) => {
  const api = createApi(auth)

  it('signs in whatever the case of the name, with a cookie or a bearer token', async () => {
    const ann = await api.register('ann', { displayName: 'Ann' })
    const cookie = await api.call('POST', '/login', {
      body: { username: ' ANN ', password: ann.password },
    })
    expect(cookie.status).toBe(200)
    expect(cookie.body).toEqual({
      user: { id: ann.id, username: 'ann', displayName: 'Ann', email: null },
      expiresAt: expect.any(Number),
    })
    const set = sessionCookieOf(cookie.headers)
    expect(set?.attributes).toMatchObject({ httponly: '', samesite: 'Lax', path: '/' })
    expect((await api.call('GET', '/me', { headers: { cookie: set?.header ?? '' } })).status).toBe(
      200,
    )
    const bearer = await api.call('POST', '/login', {
      body: { username: 'ann', password: ann.password, session: 'bearer' },
    })
    expect(bearer.headers.getSetCookie()).toEqual([])
    expect((await api.call('GET', '/me', { token: bearer.body.token as string })).status).toBe(200)
  })

  it('gives an unknown user and a wrong password the same answer in similar time', async () => {
    await api.register('ann')
    const { passwords } = auth().deps
    await passwords.verifyDummy('warm up the dummy hash')
    const timed = async (work: () => Promise<unknown>) => {
      const started = performance.now()
      const result = await work()
      return { result, ms: performance.now() - started }
    }
    const login = (username: string) =>
      api.call('POST', '/login', { body: { username, password: 'wrong password!' } })
    const unknown = []
    const wrong = []
    const bare = []
    // Interleaved so that load on the machine hits both sides alike; 5 stays
    // within the per-user limit.
    for (let i = 0; i < 5; i++) {
      unknown.push(await timed(() => login(`nobody${i}`)))
      wrong.push(await timed(() => login('ann')))
      bare.push(await timed(() => passwords.verifyDummy('wrong password!')))
    }
    const replies = [...unknown, ...wrong].map(
      ({ result }) => result as Awaited<ReturnType<typeof login>>,
    )
    for (const reply of replies) {
      expect(reply.status).toBe(401)
      expect(reply.body).toEqual({
        error: { code: 'invalid_credentials', message: 'wrong username or password' },
      })
      expect([...reply.headers.keys()].sort()).toEqual(
        [...(replies[0]?.headers.keys() ?? [])].sort(),
      )
    }
    // Both run one argon2id verification (without the dummy, an unknown user
    // answers ~100x faster), so both take at least about one verification.
    const verifyMs = median(bare.map((t) => t.ms))
    const unknownMs = median(unknown.map((t) => t.ms))
    const wrongMs = median(wrong.map((t) => t.ms))
    expect(unknownMs).toBeGreaterThan(verifyMs * 0.5)
    expect(wrongMs).toBeGreaterThan(verifyMs * 0.5)
    expect(unknownMs / wrongMs).toBeGreaterThan(0.33)
    expect(unknownMs / wrongMs).toBeLessThan(3)
  })

  it('refuses brute force past 5 tries with 429 and Retry-After, even the right password', async () => {
    const ann = await api.register('ann')
    for (let attempt = 0; attempt < 5; attempt++) {
      const reply = await api.call('POST', '/login', {
        body: { username: 'ann', password: `guess number ${attempt}` },
        // Not behind a trusted proxy: a forged X-Forwarded-For buys no new budget.
        headers: { 'x-forwarded-for': `203.0.113.${attempt}` },
      })
      expect(reply.status).toBe(401)
    }
    const before = await tableCounts(auth())
    const blocked = await api.call('POST', '/login', {
      body: { username: 'ANN', password: ann.password },
    })
    expect(blocked.status).toBe(429)
    expect(blocked.body).toMatchObject({ error: { code: 'rate_limited' } })
    // The block lasts 5 minutes once the limit is passed.
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(60)
    expect(blocked.headers.getSetCookie()).toEqual([])
    expect(await tableCounts(auth())).toEqual(before)
    // Another account from the same IP is not locked out by the attack on ann.
    const bob = await api.register('bob')
    expect(
      (await api.call('POST', '/login', { body: { username: 'bob', password: bob.password } }))
        .status,
    ).toBe(200)
  })

  it('never keeps a session the client presented (no fixation)', async () => {
    const ann = await api.register('ann')
    // A bearer token presented at login ends, and the new one differs.
    const planted = ann.token
    const bearer = await api.call('POST', '/login', {
      token: planted,
      body: { username: 'ann', password: ann.password, session: 'bearer' },
    })
    expect(bearer.status).toBe(200)
    expect(bearer.body.token).not.toBe(planted)
    expect((await api.call('GET', '/me', { token: planted })).status).toBe(401)

    // An attacker plants their own valid session cookie, then the victim logs in.
    const mallory = await api.register('mallory')
    const plantedCookie = `plansync_session=${mallory.token}`
    const login = await api.call('POST', '/login', {
      headers: { cookie: plantedCookie, origin },
      body: { username: 'ann', password: ann.password },
    })
    expect(login.status).toBe(200)
    const fresh = sessionCookieOf(login.headers)
    expect(fresh?.value).not.toBe(mallory.token)
    expect((await api.call('GET', '/me', { token: mallory.token })).status).toBe(401)
    const me = await api.call('GET', '/me', { headers: { cookie: fresh?.header ?? '' } })
    expect(me.body).toMatchObject({ user: { id: ann.id } })

    // A well-formed token the attacker made up is never adopted either.
    const madeUp = `${'a'.repeat(24)}.${'b'.repeat(24)}`
    const again = await api.call('POST', '/login', {
      headers: { cookie: `plansync_session=${madeUp}`, origin },
      body: { username: 'ann', password: ann.password },
    })
    expect(sessionCookieOf(again.headers)?.value).not.toBe(madeUp)
    const sessionIds = await auth().deps.database.db.selectFrom('sessions').select('id').execute()
    expect(sessionIds.map((s) => s.id)).not.toContain('a'.repeat(24))
  })

  it('rehashes a password made with old parameters at login', async () => {
    const weak = createPasswordHasher({
      parameters: { memoryCost: 8192, timeCost: 1, parallelism: 1 },
    })
    const { db } = auth().deps.database
    const ann = await api.register('ann')
    await db
      .updateTable('users')
      .set({ password_hash: await weak.hash(ann.password) })
      .where('id', '=', ann.id)
      .execute()
    const login = await api.call('POST', '/login', {
      body: { username: 'ann', password: ann.password },
    })
    expect(login.status).toBe(200)
    const row = await db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', ann.id)
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(
      (await api.call('POST', '/login', { body: { username: 'ann', password: ann.password } }))
        .status,
    ).toBe(200)
  })
})

describeEachStore(
  'login limits behind a proxy',
  (auth) => {
    const api = createApi(auth)
    const from = (ip: string, username: string, password: string) =>
      api.call('POST', '/login', {
        body: { username, password },
        headers: { 'x-forwarded-for': ip },
      })

    it('blocks one username from one IP without locking its owner out elsewhere', async () => {
      const ann = await api.register('ann')
      for (let i = 0; i < 2; i++)
        expect((await from('198.51.100.7', 'ann', 'guess!')).status).toBe(401)
      expect((await from('198.51.100.7', 'ann', ann.password)).status).toBe(429)
      expect((await from('198.51.100.8', 'ann', ann.password)).status).toBe(200)
    })

    it('limits all login attempts from one IP, whatever the usernames', async () => {
      for (let i = 0; i < 3; i++) {
        expect((await from('198.51.100.9', `user${i}`, 'guess!')).status).toBe(401)
      }
      const blocked = await from('198.51.100.9', 'user99', 'guess!')
      expect(blocked.status).toBe(429)
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
      expect((await from('198.51.100.10', 'user99', 'guess!')).status).toBe(401)
    })
  },
  () => ({
    settings: { ...testSettings, trustProxy: true },
    rateLimits: createRateLimits({
      rules: {
        loginUserIp: { points: 2, duration: 60, blockDuration: 300 },
        loginIp: { points: 3, duration: 60, blockDuration: 300 },
      },
    }),
  }),
)
