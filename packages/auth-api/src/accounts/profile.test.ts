// The signed-in user's account on both stores: read and edit the profile,
// change the password (other sessions end and the sync servers hear of it;
// guesses of the current password are rate limited).
import { ACCESS_CHANGES_CHANNEL, type AccessChange, decodeAccessChange } from '@plansync/protocol'
import { expect, it } from 'vitest'
import { createApi, tableCounts } from '../testing/api.ts'
import { describeEachStore } from '../testing/test-auth.ts'

describeEachStore('profile', (auth) => {
  const api = createApi(auth)
  const userRow = (id: string) =>
    auth()
      .deps.database.db.selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()

  it('reads the signed-in user, and refuses without a session', async () => {
    const ann = await api.register('ann', { displayName: 'Ann', email: 'ann@example.org' })
    const me = await api.call('GET', '/me', { token: ann.token })
    expect(me.status).toBe(200)
    expect(me.body).toEqual({
      user: { id: ann.id, username: 'ann', displayName: 'Ann', email: 'ann@example.org' },
    })
    const anonymous = await api.call('GET', '/me')
    expect(anonymous.status).toBe(401)
    expect(anonymous.body).toEqual({ error: { code: 'unauthorized', message: 'sign in first' } })
  })

  it('changes the display name and email, removes the email with null, refuses a taken one', async () => {
    const ann = await api.register('ann')
    await api.register('bob', { email: 'bob@example.org' })
    const renamed = await api.call('PATCH', '/me', {
      token: ann.token,
      body: { displayName: '  Ann B.  ', email: 'Ann@Example.org' },
    })
    expect(renamed.status).toBe(200)
    expect(renamed.body).toEqual({
      user: { id: ann.id, username: 'ann', displayName: 'Ann B.', email: 'ann@example.org' },
    })
    expect(await userRow(ann.id)).toMatchObject({
      display_name: 'Ann B.',
      email: 'ann@example.org',
    })
    const taken = await api.call('PATCH', '/me', {
      token: ann.token,
      body: { email: 'BOB@example.org' },
    })
    expect(taken.status).toBe(409)
    expect(taken.body).toMatchObject({ error: { code: 'email_taken' } })
    expect((await userRow(ann.id)).email).toBe('ann@example.org')
    const cleared = await api.call('PATCH', '/me', { token: ann.token, body: { email: null } })
    expect(cleared.body).toMatchObject({ user: { email: null, displayName: 'Ann B.' } })
    const bad = await api.call('PATCH', '/me', {
      token: ann.token,
      body: { displayName: '', email: 'nope' },
    })
    expect(bad.status).toBe(400)
    expect(Object.keys((bad.body.error as { fields: object }).fields).sort()).toEqual([
      'displayName',
      'email',
    ])
    expect(await userRow(ann.id)).toMatchObject({ display_name: 'Ann B.', email: null })
    expect((await api.call('PATCH', '/me', { body: { displayName: 'x' } })).status).toBe(401)
  })

  it('changes the password: the current session stays, others end, the sync servers hear it', async () => {
    const ann = await api.register('ann')
    const other = await api.call('POST', '/login', {
      body: { username: 'ann', password: ann.password, session: 'bearer' },
    })
    const heard: AccessChange[] = []
    await auth().deps.pubsub.subscribe(ACCESS_CHANGES_CHANNEL, (message) => {
      heard.push(decodeAccessChange(message) as AccessChange)
    })
    const before = (await userRow(ann.id)).password_hash
    const wrong = await api.call('POST', '/password', {
      token: ann.token,
      body: { currentPassword: 'not my password', newPassword: 'a brand new password' },
    })
    expect(wrong.status).toBe(401)
    expect(wrong.body).toMatchObject({ error: { code: 'invalid_credentials' } })
    expect((await userRow(ann.id)).password_hash).toBe(before)
    expect((await api.call('GET', '/me', { token: other.body.token as string })).status).toBe(200)

    const changed = await api.call('POST', '/password', {
      token: ann.token,
      body: { currentPassword: ann.password, newPassword: 'a brand new password' },
    })
    expect(changed.status).toBe(204)
    expect((await api.call('GET', '/me', { token: ann.token })).status).toBe(200)
    expect((await api.call('GET', '/me', { token: other.body.token as string })).status).toBe(401)
    const login = (password: string) =>
      api.call('POST', '/login', { body: { username: 'ann', password, session: 'bearer' } })
    expect((await login(ann.password)).status).toBe(401)
    expect((await login('a brand new password')).status).toBe(200)
    await expect
      .poll(() => heard)
      .toEqual([expect.objectContaining({ kind: 'user', userId: ann.id })])
  })

  it('refuses a new password that is too short or the username, naming the field', async () => {
    const ann = await api.register('ann.long.name')
    for (const newPassword of ['too short', 'ANN.LONG.NAME']) {
      const reply = await api.call('POST', '/password', {
        token: ann.token,
        body: { currentPassword: ann.password, newPassword },
      })
      expect(reply.status).toBe(400)
      expect(reply.body).toMatchObject({
        error: { code: 'validation_failed', fields: { newPassword: expect.any(String) } },
      })
    }
    const missing = await api.call('POST', '/password', { token: ann.token, body: {} })
    expect(Object.keys((missing.body.error as { fields: object }).fields).sort()).toEqual([
      'currentPassword',
      'newPassword',
    ])
  })

  it('limits guesses of the current password with a stolen session, even the right one', async () => {
    const ann = await api.register('ann')
    for (let i = 0; i < 5; i++) {
      const reply = await api.call('POST', '/password', {
        token: ann.token,
        body: { currentPassword: `guess ${i}`, newPassword: 'attacker password' },
      })
      expect(reply.status).toBe(401)
    }
    const before = await tableCounts(auth())
    const blocked = await api.call('POST', '/password', {
      token: ann.token,
      body: { currentPassword: ann.password, newPassword: 'attacker password' },
    })
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await tableCounts(auth())).toEqual(before)
    expect(
      (await api.call('POST', '/login', { body: { username: 'ann', password: ann.password } }))
        .status,
    ).toBe(200)
  })
})
