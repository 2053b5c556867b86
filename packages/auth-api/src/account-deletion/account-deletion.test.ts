// Deleting an account on both stores: password required; sessions,
// memberships, invites and solely-owned calendars go in one transaction, and
// the sync servers hear of it; shared calendars with another owner stay.
import { ACCESS_CHANGES_CHANNEL, type AccessChange, decodeAccessChange } from '@plansync/protocol'
import { expect, it } from 'vitest'
import { createApi, tableCounts } from '../testing/api.ts'
import { describeEachStore } from '../testing/test-auth.ts'

describeEachStore('account deletion', (auth) => {
  const api = createApi(auth)

  it('deletes the account and everything only it owned, and announces it', async () => {
    const ann = await api.register('ann', { email: 'ann@example.org' })
    const bob = await api.register('bob')
    const solo = await api.call<{ calendar: { id: string; doc: string } }>('POST', '/calendars', {
      token: ann.token,
      body: { name: 'Solo' },
    })
    const shared = await api.call<{ calendar: { id: string } }>('POST', '/calendars', {
      token: bob.token,
      body: { name: 'Shared' },
    })
    const link = await api.call<{ link: string }>(
      'POST',
      `/calendars/${shared.body.calendar.id}/invites`,
      { token: bob.token, body: { username: 'ann', role: 'editor' } },
    )
    await api.call('POST', `/invites/${link.body.link.split('/invite/')[1]}/accept`, {
      token: ann.token,
    })
    await api.call('POST', `/calendars/${shared.body.calendar.id}/invites`, {
      token: bob.token,
      body: { email: 'ann@example.org', role: 'viewer' },
    })

    const wrong = await api.call('DELETE', '/me', {
      token: ann.token,
      body: { password: 'not it' },
    })
    expect(wrong.status).toBe(401)
    const changes: AccessChange[] = []
    await auth().deps.pubsub.subscribe(ACCESS_CHANGES_CHANNEL, (m) => {
      const change = decodeAccessChange(m)
      if (change) changes.push(change)
    })
    expect(
      (await api.call('DELETE', '/me', { token: ann.token, body: { password: ann.password } }))
        .status,
    ).toBe(204)
    expect((await api.call('GET', '/me', { token: ann.token })).status).toBe(401)
    const { db } = auth().deps.database
    expect(await db.selectFrom('users').select('username').execute()).toEqual([{ username: 'bob' }])
    expect(await db.selectFrom('calendars').select('name').execute()).toEqual([{ name: 'Shared' }])
    expect(await db.selectFrom('memberships').select('user_id').execute()).toEqual([
      { user_id: bob.id },
    ])
    const counts = await tableCounts(auth())
    expect({ sessions: counts.sessions, invites: counts.invites }).toEqual({
      sessions: 1,
      invites: 0,
    })
    await expect.poll(() => changes.length).toBe(2)
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'doc', docs: [solo.body.calendar.doc] }),
      expect.objectContaining({ kind: 'user', userId: ann.id }),
    ])
  })
})
