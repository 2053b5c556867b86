// Bad input to the account routes on both stores: a 400 naming each bad
// field, malformed, mistyped and oversized bodies, SQL injection strings in
// every text field (stored and compared literally), NUL characters. Each is
// refused or handled without changing anything else.
import { expect, it } from 'vitest'
import { createApi, tableCounts } from '../testing/api.ts'
import { describeEachStore } from '../testing/test-auth.ts'
import { createRateLimits } from './rate-limits.ts'

const injections = [
  `' OR 1=1 --`,
  `"; drop table users; --`,
  `admin'--`,
  `x' UNION SELECT id, secret_hash FROM sessions --`,
]
const valid = { username: 'ann', password: 'a long enough password' }

describeEachStore(
  'account routes under hostile input',
  (auth) => {
    const api = createApi(auth)
    const fieldsOf = (body: Record<string, unknown>) =>
      Object.keys((body.error as { fields?: object }).fields ?? {}).sort()

    it('names exactly the bad field of a registration in a 400, and stores nothing', async () => {
      const cases: Array<[Record<string, unknown>, string[]]> = [
        [{ username: 'ab' }, ['username']],
        [{ username: 'a'.repeat(33) }, ['username']],
        [{ username: 'ann smith' }, ['username']],
        [{ username: 'ann!' }, ['username']],
        [{ username: 42 }, ['username']],
        [{ username: undefined }, ['username']],
        [{ password: 'x'.repeat(9) }, ['password']],
        [{ password: 'x'.repeat(257) }, ['password']],
        [{ password: null }, ['password']],
        [{ username: 'ann.smith.x', password: 'Ann.Smith.X' }, ['password']],
        [{ displayName: '' }, ['displayName']],
        [{ displayName: 'x'.repeat(81) }, ['displayName']],
        [{ email: 'not-an-email' }, ['email']],
        [{ email: 42 }, ['email']],
        [{ session: 'jwt' }, ['session']],
        [
          { username: 'a', password: 'short', displayName: 5, email: 'x', session: 'jwt' },
          ['displayName', 'email', 'password', 'session', 'username'],
        ],
      ]
      const before = await tableCounts(auth())
      for (const [change, fields] of cases) {
        const reply = await api.call('POST', '/register', { body: { ...valid, ...change } })
        expect(reply.status, JSON.stringify(change)).toBe(400)
        expect(reply.body).toMatchObject({ error: { code: 'validation_failed' } })
        expect(fieldsOf(reply.body), JSON.stringify(change)).toEqual(fields)
      }
      const login = await api.call('POST', '/login', { body: { username: '', password: 7 } })
      expect(login.status).toBe(400)
      expect(fieldsOf(login.body)).toEqual(['password', 'username'])
      expect(await tableCounts(auth())).toEqual(before)
    })

    it('refuses malformed JSON, non-objects, a wrong content type and an oversized body', async () => {
      const before = await tableCounts(auth())
      const send = (body: string, headers: Record<string, string> = {}) =>
        api.call('POST', '/register', { body, headers })
      for (const body of ['{"username": "ann",', '', "{'username': 'ann'}"]) {
        const reply = await send(body)
        expect(reply.status, body).toBe(400)
        expect(reply.body).toMatchObject({ error: { code: 'invalid_request' } })
      }
      for (const body of ['[]', 'null', '"ann"', '42']) {
        const reply = await send(body)
        expect(reply.status, body).toBe(400)
        expect(reply.body).toMatchObject({ error: { code: 'validation_failed' } })
      }
      const json = JSON.stringify(valid)
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const reply = await send(json, { 'content-type': type })
        expect(reply.status, type).toBe(415)
        expect(reply.body).toMatchObject({ error: { code: 'unsupported_media_type' } })
      }
      const noType = await auth().app.request('/auth/register', { method: 'POST', body: json })
      expect(noType.status).toBe(415)
      const huge = await api.call('POST', '/register', {
        body: { ...valid, displayName: 'x'.repeat(100_000) },
      })
      expect(huge.status).toBe(413)
      expect(huge.body).toMatchObject({ error: { code: 'payload_too_large' } })
      const hugeLogin = await api.call('POST', '/login', {
        body: { username: 'ann', password: 'x'.repeat(70_000) },
      })
      expect(hugeLogin.status).toBe(413)
      expect(await tableCounts(auth())).toEqual(before)
    })

    it('stores and compares SQL injection strings literally in every text field', async () => {
      const bob = await api.register('bob', { displayName: 'Bob', email: 'bob@example.org' })
      const bobBefore = await auth()
        .deps.database.db.selectFrom('users')
        .selectAll()
        .where('id', '=', bob.id)
        .executeTakeFirstOrThrow()
      const sessionsBefore = (await tableCounts(auth())).sessions ?? 0
      for (const [i, evil] of injections.entries()) {
        // Usernames allow no quotes or spaces: a 400, nothing stored.
        const asName = await api.call('POST', '/register', { body: { ...valid, username: evil } })
        expect(asName.status).toBe(400)
        expect(fieldsOf(asName.body)).toEqual(['username'])

        const password = `${evil} and more`
        const email = i === 0 ? `x'--${i}@example.org` : undefined
        const reg = await api.call<{ user: Record<string, unknown>; token: string }>(
          'POST',
          '/register',
          { body: { username: `evil${i}`, password, displayName: evil, email, session: 'bearer' } },
        )
        expect(reg.status).toBe(201)
        expect(reg.body.user).toMatchObject({ displayName: evil, email: email ?? null })
        const token = reg.body.token

        const login = (username: string, pw: string) =>
          api.call('POST', '/login', { body: { username, password: pw, session: 'bearer' } })
        expect((await login(`evil${i}`, password)).status).toBe(200)
        for (const [username, pw] of [
          [evil, password],
          [`evil${i}`, evil],
          [`bob`, evil],
          [`bob' --`, 'anything at all'],
        ] as const) {
          const reply = await login(username, pw)
          expect(reply.status, `${username} / ${pw}`).toBe(401)
          expect(reply.body).toMatchObject({ error: { code: 'invalid_credentials' } })
        }

        const patched = await api.call('PATCH', '/me', {
          token,
          body: { displayName: `${evil}!`, email: `y'--${i}@example.org` },
        })
        expect(patched.body).toMatchObject({
          user: { displayName: `${evil}!`, email: `y'--${i}@example.org` },
        })
        const wrong = await api.call('POST', '/password', {
          token,
          body: { currentPassword: evil, newPassword: `${evil}${evil}` },
        })
        expect(wrong.status).toBe(401)
        const changed = await api.call('POST', '/password', {
          token,
          body: { currentPassword: password, newPassword: `${evil}${evil}` },
        })
        expect(changed.status).toBe(204)
        expect((await login(`evil${i}`, `${evil}${evil}`)).status).toBe(200)
      }
      const { db } = auth().deps.database
      const users = await db
        .selectFrom('users')
        .select(['username', 'display_name'])
        .orderBy('username')
        .execute()
      expect(users).toEqual([
        { username: 'bob', display_name: 'Bob' },
        ...injections.map((evil, i) => ({ username: `evil${i}`, display_name: `${evil}!` })),
      ])
      expect(
        await db.selectFrom('users').selectAll().where('id', '=', bob.id).executeTakeFirstOrThrow(),
      ).toEqual(bobBefore)
      expect((await tableCounts(auth())).sessions).toBe(sessionsBefore + 2 * injections.length)
      expect((await api.call('GET', '/me', { token: bob.token })).status).toBe(200)
    })

    it('refuses NUL characters in stored text fields with a 400 on both stores', async () => {
      const ann = await api.register('ann')
      const before = await tableCounts(auth())
      const nul = 'x\u0000y'
      for (const body of [
        { ...valid, username: 'carol', displayName: nul },
        { ...valid, username: 'carol', password: `a long password${nul}` },
      ]) {
        expect((await api.call('POST', '/register', { body })).status).toBe(400)
      }
      expect(
        (await api.call('POST', '/login', { body: { username: nul, password: nul } })).status,
      ).toBe(400)
      const patch = await api.call('PATCH', '/me', { token: ann.token, body: { displayName: nul } })
      expect(patch.status).toBe(400)
      expect(fieldsOf(patch.body)).toEqual(['displayName'])
      expect(await tableCounts(auth())).toEqual(before)
    })
  },
  // Many accounts from one test IP: the limits have their own tests.
  () => ({
    rateLimits: createRateLimits({
      rules: {
        registerIp: { points: 1000, duration: 60 },
        loginIp: { points: 1000, duration: 60 },
      },
    }),
  }),
)
