// The notifier's view of a calendar: its members with contact details, only
// with the internal secret, on both stores.
import { expect, it } from 'vitest'
import { createApi } from '../testing/api.ts'
import { describeEachStore, testSettings } from '../testing/test-auth.ts'

describeEachStore('calendar recipients (internal)', (auth) => {
  const api = createApi(auth)
  const internal = { authorization: `Bearer ${testSettings.internalSecret}` }

  it('lists the members of a calendar with their emails, only with the secret', async () => {
    const ann = await api.register('ann')
    const bob = await api.register('bob')
    const cal = await api.call<{ calendar: { id: string } }>('POST', '/calendars', {
      token: ann.token,
      body: { name: 'Family', timeZone: 'Europe/Berlin' },
    })
    const id = cal.body.calendar.id
    const { db } = auth().deps.database
    const now = Date.now()
    await db
      .insertInto('memberships')
      .values({
        calendar_id: id,
        user_id: bob.id,
        role: 'viewer',
        created_at: now,
        updated_at: now,
      })
      .execute()
    await db
      .updateTable('users')
      .set({ email: 'bob@example.test' })
      .where('id', '=', bob.id)
      .execute()

    const path = `/internal/calendars/${id}/recipients`
    expect((await api.call('GET', path)).status).toBe(401)
    expect((await api.call('GET', path, { token: ann.token })).status).toBe(401)
    expect((await api.call('GET', path, { headers: { authorization: 'Bearer x' } })).status).toBe(
      401,
    )
    const ok = await api.call<{ calendar: unknown; members: unknown[] }>('GET', path, {
      headers: internal,
    })
    expect(ok.status).toBe(200)
    expect(ok.body).toEqual({
      calendar: { id, name: 'Family', timeZone: 'Europe/Berlin' },
      members: [
        { userId: ann.id, username: 'ann', displayName: 'ann', email: null, role: 'owner' },
        {
          userId: bob.id,
          username: 'bob',
          displayName: 'bob',
          email: 'bob@example.test',
          role: 'viewer',
        },
      ],
    })
    expect(
      (await api.call('GET', '/internal/calendars/nope/recipients', { headers: internal })).status,
    ).toBe(404)
    const all = await api.call<{ calendars: Array<{ id: string }> }>('GET', '/internal/calendars', {
      headers: internal,
    })
    expect(all.body.calendars).toEqual([{ id }])
    expect((await api.call('GET', '/internal/calendars')).status).toBe(401)
    expect(
      (await api.call('GET', '/internal/calendars/bad%20id/recipients', { headers: internal }))
        .status,
    ).toBe(400)
  })

  it('lists registered events and gives an event the recipients of its calendar', async () => {
    const ann = await api.register('ann')
    const cal = await api.call<{ calendar: { id: string } }>('POST', '/calendars', {
      token: ann.token,
      body: { name: 'Family' },
    })
    const id = cal.body.calendar.id
    const registered = await api.call('POST', `/calendars/${id}/events`, {
      token: ann.token,
      body: { id: 'picnic' },
    })
    expect(registered.status).toBe(201)

    expect((await api.call('GET', '/internal/events')).status).toBe(401)
    const all = await api.call<{ events: unknown[] }>('GET', '/internal/events', {
      headers: internal,
    })
    expect(all.body).toEqual({ events: [{ id: 'picnic', calendarId: id }] })
    const path = '/internal/events/picnic/recipients'
    expect((await api.call('GET', path, { token: ann.token })).status).toBe(401)
    const ok = await api.call<{ calendar: { id: string }; members: Array<{ userId: string }> }>(
      'GET',
      path,
      { headers: internal },
    )
    expect(ok.status).toBe(200)
    expect(ok.body.calendar.id).toBe(id)
    expect(ok.body.members.map((m) => m.userId)).toEqual([ann.id])
    expect(
      (await api.call('GET', '/internal/events/nope/recipients', { headers: internal })).status,
    ).toBe(404)
  })
})
