// The invite flow on both stores: only the addressed user can use a link,
// once, before it expires; revoked links are dead; nothing half-happens.
import { expect, it } from 'vitest'
import { createApi, tableCounts } from '../testing/api.ts'
import { describeEachStore } from '../testing/test-auth.ts'

describeEachStore('invites', (auth) => {
  const api = createApi(auth)

  async function setup() {
    const ann = await api.register('ann')
    const bob = await api.register('bob', { email: 'bob@example.org' })
    const eve = await api.register('eve')
    const created = await api.call<{ calendar: { id: string } }>('POST', '/calendars', {
      token: ann.token,
      body: { name: 'Weekend' },
    })
    const id = created.body.calendar.id
    const invite = async (body: Record<string, unknown>) => {
      const reply = await api.call<{ invite: { id: string }; link: string }>(
        'POST',
        `/calendars/${id}/invites`,
        { token: ann.token, body },
      )
      expect(reply.status).toBe(201)
      return {
        id: reply.body.invite.id,
        secret: reply.body.link.split('/invite/')[1] as string,
        link: reply.body.link,
      }
    }
    return { ann, bob, eve, id, invite }
  }

  const roleOf = async (id: string, token: string) =>
    (await api.call<{ calendar: { role: string } }>('GET', `/calendars/${id}`, { token })).body
      .calendar?.role

  it('invites by username: only the addressee previews and accepts, once', async () => {
    const { bob, eve, id, invite } = await setup()
    const { secret, link } = await invite({ username: 'BOB', role: 'editor' })
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:8080\/invite\/[A-Za-z0-9_-]{32}$/)
    const stored = await auth()
      .deps.database.db.selectFrom('invites')
      .select('token_hash')
      .executeTakeFirstOrThrow()
    expect(stored.token_hash).not.toContain(secret)
    expect((await api.call('GET', `/invites/${secret}`, { token: eve.token })).status).toBe(404)
    expect((await api.call('POST', `/invites/${secret}/accept`, { token: eve.token })).status).toBe(
      404,
    )
    const preview = await api.call('GET', `/invites/${secret}`, { token: bob.token })
    expect(preview.body).toMatchObject({
      invite: { calendarName: 'Weekend', invitedBy: 'ann', role: 'editor' },
    })
    const mine = await api.call<{ invites: unknown[] }>('GET', '/invites', { token: bob.token })
    expect(mine.body.invites).toHaveLength(1)
    expect((await api.call('POST', `/invites/${secret}/accept`, { token: bob.token })).status).toBe(
      204,
    )
    expect(await roleOf(id, bob.token)).toBe('editor')
    const replay = await api.call('POST', `/invites/${secret}/accept`, { token: bob.token })
    expect(replay.status).toBe(409)
    expect(await roleOf(id, eve.token)).toBeUndefined()
  })

  it('names the invited account by username and display name, never an invite by email', async () => {
    const { ann, bob, id, invite } = await setup()
    await api.call('PATCH', '/me', { token: bob.token, body: { displayName: 'Bob B.' } })
    const byName = await invite({ username: 'bob', role: 'editor' })
    // bob@example.org is bob's address, but the inviter must not learn that.
    const byEmail = await invite({ email: 'bob@example.org', role: 'viewer' })
    const toAccount = {
      id: byName.id,
      inviteeUserId: bob.id,
      inviteeUsername: 'bob',
      inviteeDisplayName: 'Bob B.',
      inviteeEmail: null,
    }
    const toAddress = {
      id: byEmail.id,
      inviteeUserId: null,
      inviteeUsername: null,
      inviteeDisplayName: null,
      inviteeEmail: 'bob@example.org',
    }
    const created = await api.call('POST', `/calendars/${id}/invites`, {
      token: ann.token,
      body: { username: 'eve', role: 'viewer' },
    })
    expect(created.body).toMatchObject({
      invite: { inviteeUsername: 'eve', inviteeDisplayName: 'eve', inviteeEmail: null },
    })
    const listed = await api.call<{ invites: Array<{ id: string }> }>(
      'GET',
      `/calendars/${id}/invites`,
      { token: ann.token },
    )
    const byId = (invites: Array<{ id: string }>, wanted: string) =>
      invites.find((each) => each.id === wanted)
    expect(byId(listed.body.invites, byName.id)).toMatchObject(toAccount)
    expect(byId(listed.body.invites, byEmail.id)).toMatchObject(toAddress)
    const mine = await api.call<{ invites: Array<{ id: string }> }>('GET', '/invites', {
      token: bob.token,
    })
    expect(mine.body.invites).toHaveLength(2)
    expect(byId(mine.body.invites, byName.id)).toMatchObject(toAccount)
    expect(byId(mine.body.invites, byEmail.id)).toMatchObject(toAddress)
    const preview = await api.call('GET', `/invites/${byName.secret}`, { token: bob.token })
    expect(preview.body).toMatchObject({ invite: toAccount })
    const emailPreview = await api.call('GET', `/invites/${byEmail.secret}`, { token: bob.token })
    expect(emailPreview.body).toMatchObject({ invite: toAddress })
  })

  it('invites by email; the user with that email accepts', async () => {
    const { bob, id, invite } = await setup()
    const { secret } = await invite({ email: 'Bob@Example.org', role: 'viewer' })
    expect((await api.call('POST', `/invites/${secret}/accept`, { token: bob.token })).status).toBe(
      204,
    )
    expect(await roleOf(id, bob.token)).toBe('viewer')
  })

  it('refuses expired, revoked and declined invites and adds no member', async () => {
    const { ann, bob, id, invite } = await setup()
    const expiring = await invite({ username: 'bob', role: 'editor' })
    const revoked = await invite({ username: 'bob', role: 'editor' })
    const declined = await invite({ username: 'bob', role: 'editor' })
    expect(
      (await api.call('DELETE', `/calendars/${id}/invites/${revoked.id}`, { token: ann.token }))
        .status,
    ).toBe(204)
    expect(
      (await api.call('POST', `/invites/${declined.secret}/decline`, { token: bob.token })).status,
    ).toBe(204)
    const pending = await api.call<{ invites: unknown[] }>('GET', `/calendars/${id}/invites`, {
      token: ann.token,
    })
    expect(pending.body.invites).toHaveLength(1)
    auth().clock.advance(8 * 24 * 60 * 60 * 1000)
    const before = await tableCounts(auth())
    const expired = await api.call('POST', `/invites/${expiring.secret}/accept`, {
      token: bob.token,
    })
    expect(expired.status).toBe(410)
    expect(expired.body).toMatchObject({ error: { code: 'invite_expired' } })
    expect(
      (await api.call('POST', `/invites/${revoked.secret}/accept`, { token: bob.token })).status,
    ).toBe(409)
    expect(
      (await api.call('POST', `/invites/${declined.secret}/accept`, { token: bob.token })).status,
    ).toBe(409)
    expect(
      (await api.call('POST', `/invites/not-a-secret/accept`, { token: bob.token })).status,
    ).toBe(404)
    expect(await tableCounts(auth())).toEqual(before)
    expect(await roleOf(id, bob.token)).toBeUndefined()
  })

  it('validates invite bodies and refuses unknown users clearly', async () => {
    const { ann, id } = await setup()
    const both = await api.call('POST', `/calendars/${id}/invites`, {
      token: ann.token,
      body: { username: 'bob', email: 'x@y.z', role: 'editor' },
    })
    expect(both.status).toBe(400)
    const owner = await api.call('POST', `/calendars/${id}/invites`, {
      token: ann.token,
      body: { username: 'bob', role: 'owner' },
    })
    expect(owner.status).toBe(400)
    const unknown = await api.call('POST', `/calendars/${id}/invites`, {
      token: ann.token,
      body: { username: "nobody' OR '1'='1", role: 'viewer' },
    })
    expect(unknown.status).toBe(404)
  })
})
