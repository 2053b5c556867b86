// Sessions on both stores: logout ends one (a stolen copy dies with it),
// logout-all ends every one and tells the sync servers, idle sessions expire,
// used ones slide (and the cookie follows), forged tokens are refused.
import { ACCESS_CHANGES_CHANNEL, type AccessChange, decodeAccessChange } from '@plansync/protocol'
import { expect, it } from 'vitest'
import { createApi } from '../testing/api.ts'
import { sessionCookieOf } from '../testing/cookies.ts'
import { describeEachStore, testSettings } from '../testing/test-auth.ts'

const origin = testSettings.publicUrl
const day = 24 * 60 * 60 * 1000

describeEachStore('session lifecycle', (auth) => {
  const api = createApi(auth)
  const sessionsOf = (userId: string) =>
    auth()
      .deps.database.db.selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .execute()

  it('ends only the current session on logout, clears the cookie, and a stolen copy is dead', async () => {
    const ann = await api.register('ann')
    const login = await api.call('POST', '/login', {
      body: { username: 'ann', password: ann.password },
    })
    const cookie = sessionCookieOf(login.headers)?.header ?? ''
    const logout = await api.call('POST', '/logout', { headers: { cookie, origin } })
    expect(logout.status).toBe(204)
    expect(sessionCookieOf(logout.headers)).toMatchObject({
      value: '',
      attributes: { 'max-age': '0', path: '/' },
    })
    // Whoever copied the cookie or its token gets nothing, whatever the transport.
    expect((await api.call('GET', '/me', { headers: { cookie } })).status).toBe(401)
    const token = cookie.split('=')[1] as string
    expect((await api.call('GET', '/me', { token })).status).toBe(401)
    expect((await api.call('POST', '/logout', { token })).status).toBe(401)
    // The other session (from registration) is untouched.
    expect((await api.call('GET', '/me', { token: ann.token })).status).toBe(200)
    expect(await sessionsOf(ann.id)).toHaveLength(1)
  })

  it('ends every session on logout-all and publishes an access change for the sync servers', async () => {
    const ann = await api.register('ann')
    const bob = await api.register('bob')
    const other = await api.call('POST', '/login', {
      body: { username: 'ann', password: ann.password, session: 'bearer' },
    })
    const heard: AccessChange[] = []
    await auth().deps.pubsub.subscribe(ACCESS_CHANGES_CHANNEL, (message) => {
      heard.push(decodeAccessChange(message) as AccessChange)
    })
    const before = auth().deps.now()
    const reply = await api.call('POST', '/logout-all', { token: ann.token })
    expect(reply.status).toBe(204)
    for (const token of [ann.token, other.body.token as string]) {
      expect((await api.call('GET', '/me', { token })).status).toBe(401)
    }
    expect(await sessionsOf(ann.id)).toEqual([])
    expect((await api.call('GET', '/me', { token: bob.token })).status).toBe(200)
    await expect.poll(() => heard).toHaveLength(1)
    expect(heard[0]).toMatchObject({ kind: 'user', userId: ann.id })
    expect((heard[0] as { at: number }).at).toBeGreaterThanOrEqual(before)
    expect((await api.call('POST', '/logout-all', { token: ann.token })).status).toBe(401)
  })

  it('refuses an idle session once it expired, and deletes it', async () => {
    const ann = await api.register('ann')
    auth().clock.advance(30 * day + 1000)
    const me = await api.call('GET', '/me', { token: ann.token })
    expect(me.status).toBe(401)
    expect(me.body).toMatchObject({ error: { code: 'unauthorized' } })
    expect(await sessionsOf(ann.id)).toEqual([])
  })

  it('slides the expiry of a used session once half of it is gone, renewing the cookie', async () => {
    await api.register('ann')
    const login = await api.call('POST', '/login', {
      body: { username: 'ann', password: 'ann-long-password' },
    })
    const cookie = sessionCookieOf(login.headers)?.header ?? ''
    const [id] = (cookie.split('=')[1] as string).split('.')
    const expiresAt = async () =>
      (
        await auth()
          .deps.database.db.selectFrom('sessions')
          .select('expires_at')
          .where('id', '=', id as string)
          .executeTakeFirstOrThrow()
      ).expires_at
    const first = await expiresAt()

    // Early on nothing is written and no cookie is sent.
    auth().clock.advance(5 * day)
    const early = await api.call('GET', '/me', { headers: { cookie } })
    expect(early.status).toBe(200)
    expect(early.headers.getSetCookie()).toEqual([])
    expect(await expiresAt()).toBe(first)

    // Past half-life, a request extends it to a full lifetime from now.
    auth().clock.advance(15 * day)
    const late = await api.call('GET', '/me', { headers: { cookie } })
    expect(late.status).toBe(200)
    expect(await expiresAt()).toBeGreaterThanOrEqual(first + 20 * day)
    const renewed = sessionCookieOf(late.headers)
    expect(renewed?.header).toBe(cookie)
    expect(Number(renewed?.attributes['max-age'])).toBeGreaterThan(
      testSettings.sessionTtlMs / 1000 - 5,
    )

    // So 40 days after login it still works; 31 idle days later it does not.
    auth().clock.advance(20 * day)
    expect((await api.call('GET', '/me', { headers: { cookie } })).status).toBe(200)
    auth().clock.advance(31 * day)
    const dead = await api.call('GET', '/me', { headers: { cookie } })
    expect(dead.status).toBe(401)
    expect(sessionCookieOf(dead.headers)?.attributes['max-age']).toBe('0')
  })

  it('refuses forged, mangled and missing tokens', async () => {
    const ann = await api.register('ann')
    const [id, secret] = ann.token.split('.') as [string, string]
    for (const token of [
      `${id}.${'a'.repeat(24)}`,
      `${id}.${secret.toUpperCase()}`,
      `${ann.token}x`,
      id,
      'nonsense',
      `' OR 1=1 --`,
    ]) {
      const reply = await api.call('GET', '/me', { token })
      expect(reply.status).toBe(401)
      expect(reply.body).toMatchObject({ error: { code: 'unauthorized' } })
    }
    expect((await api.call('GET', '/me')).status).toBe(401)
    expect((await api.call('POST', '/logout')).status).toBe(401)
    expect((await api.call('GET', '/me', { token: ann.token })).status).toBe(200)
  })
})
