// The notifier's invite outbox on both stores: an invite to an existing user
// leaves a notice with the link, listed oldest first with its state and
// people, only with the internal secret, until acknowledged; invites by email,
// to oneself, and revoked or deleted ones are handled.
import { expect, it } from 'vitest'
import { createApi } from '../testing/api.ts'
import { describeEachStore, testSettings } from '../testing/test-auth.ts'

interface Notice {
  inviteId: string
  calendarId: string
  calendarName: string
  role: string
  status: string
  link: string
  inviter: { userId: string; username: string } | null
  invitee: { userId: string; username: string; email: string | null }
}

describeEachStore('invite notices (internal)', (auth) => {
  const api = createApi(auth)
  const internal = { authorization: `Bearer ${testSettings.internalSecret}` }
  const notices = async (query = '') => {
    const reply = await api.call<{ notices: Notice[] }>('GET', `/internal/invite-notices${query}`, {
      headers: internal,
    })
    expect(reply.status).toBe(200)
    return reply.body.notices
  }

  async function setup() {
    const ann = await api.register('ann')
    const bob = await api.register('bob', { email: 'bob@example.org' })
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
      return { id: reply.body.invite.id, link: reply.body.link }
    }
    return { ann, bob, id, invite }
  }

  it('lists an invite to an existing user with its link until acknowledged', async () => {
    const { ann, bob, id, invite } = await setup()
    const first = await invite({ username: 'bob', role: 'editor' })
    // By email, and to oneself: nobody to tell in the app.
    await invite({ email: 'someone@example.org', role: 'viewer' })
    await invite({ username: 'ann', role: 'viewer' })
    const second = await invite({ username: 'bob', role: 'viewer' })

    expect((await api.call('GET', '/internal/invite-notices')).status).toBe(401)
    expect((await api.call('GET', '/internal/invite-notices', { token: bob.token })).status).toBe(
      401,
    )
    const listed = await notices()
    expect(listed.map((n) => n.inviteId)).toEqual([first.id, second.id])
    expect(listed[0]).toMatchObject({
      calendarId: id,
      calendarName: 'Weekend',
      role: 'editor',
      status: 'pending',
      link: first.link,
      inviter: { userId: ann.id, username: 'ann' },
      invitee: { userId: bob.id, username: 'bob', email: 'bob@example.org' },
    })
    // Listing changes nothing; a limit pages.
    expect((await notices('?limit=1')).map((n) => n.inviteId)).toEqual([first.id])
    expect(
      (await api.call('GET', '/internal/invite-notices?limit=0', { headers: internal })).status,
    ).toBe(400)

    const ack = await api.call('POST', '/internal/invite-notices/ack', {
      headers: internal,
      body: { inviteIds: [first.id, 'unknown'] },
    })
    expect(ack.status).toBe(204)
    expect((await notices()).map((n) => n.inviteId)).toEqual([second.id])
    expect(
      (
        await api.call('POST', '/internal/invite-notices/ack', {
          headers: internal,
          body: { inviteIds: [] },
        })
      ).status,
    ).toBe(400)
  })

  it('shows a revoked invite as revoked and drops the notice with its calendar', async () => {
    const { ann, id, invite } = await setup()
    const revoked = await invite({ username: 'bob', role: 'editor' })
    expect(
      (await api.call('DELETE', `/calendars/${id}/invites/${revoked.id}`, { token: ann.token }))
        .status,
    ).toBe(204)
    expect((await notices()).map((n) => [n.inviteId, n.status])).toEqual([[revoked.id, 'revoked']])
    expect((await api.call('DELETE', `/calendars/${id}`, { token: ann.token })).status).toBe(204)
    expect(await notices()).toEqual([])
    const { db } = auth().deps.database
    const left = await db
      .selectFrom('invite_notices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(left.n)).toBe(0)
  })
})
