// Calendars, members, roles and events on both stores, including the
// privilege-escalation attempts the issue lists; every refusal leaves the
// tables as they were.
import { ACCESS_CHANGES_CHANNEL, type AccessChange, decodeAccessChange } from '@plansync/protocol'
import { expect, it } from 'vitest'
import { createApi, tableCounts } from '../testing/api.ts'
import { describeEachStore } from '../testing/test-auth.ts'

describeEachStore('calendars and members', (auth) => {
  const api = createApi(auth)

  async function family() {
    const ann = await api.register('ann')
    const bob = await api.register('bob')
    const cat = await api.register('cat')
    const created = await api.call<{ calendar: { id: string; doc: string } }>(
      'POST',
      '/calendars',
      {
        token: ann.token,
        body: { name: 'Family', colour: '#ff8800', timeZone: 'Europe/Berlin' },
      },
    )
    expect(created.status).toBe(201)
    const { id, doc } = created.body.calendar
    const { db } = auth().deps.database
    const now = Date.now()
    await db
      .insertInto('memberships')
      .values([
        { calendar_id: id, user_id: bob.id, role: 'editor', created_at: now, updated_at: now },
        { calendar_id: id, user_id: cat.id, role: 'viewer', created_at: now, updated_at: now },
      ])
      .execute()
    return { ann, bob, cat, id, doc }
  }

  async function heard(): Promise<AccessChange[]> {
    const changes: AccessChange[] = []
    await auth().deps.pubsub.subscribe(ACCESS_CHANGES_CHANNEL, (m) => {
      const change = decodeAccessChange(m)
      if (change) changes.push(change)
    })
    return changes
  }

  it('creates, lists, reads and updates a calendar with validation', async () => {
    const { ann, bob, cat, id, doc } = await family()
    expect(doc).toBe(`calendar:${id}`)
    const list = await api.call('GET', '/calendars', { token: bob.token })
    expect(list.body).toEqual({
      calendars: [
        { id, name: 'Family', colour: '#ff8800', timeZone: 'Europe/Berlin', role: 'editor', doc },
      ],
    })
    const renamed = await api.call('PATCH', `/calendars/${id}`, {
      token: bob.token,
      body: { name: 'Family 2' },
    })
    expect(renamed.body).toMatchObject({ calendar: { name: 'Family 2' } })
    const viewerRename = await api.call('PATCH', `/calendars/${id}`, {
      token: cat.token,
      body: { name: 'mine' },
    })
    expect(viewerRename.status).toBe(403)
    const bad = await api.call('POST', '/calendars', {
      token: ann.token,
      body: { name: '', colour: 'orange', timeZone: 'Mars/Olympus' },
    })
    expect(bad.status).toBe(400)
    expect(Object.keys((bad.body.error as { fields: object }).fields).sort()).toEqual([
      'colour',
      'name',
      'timeZone',
    ])
  })

  it('hides a calendar from non-members (404) and refuses anonymous callers (401)', async () => {
    const { id } = await family()
    const eve = await api.register('eve')
    for (const path of [
      `/calendars/${id}`,
      `/calendars/${id}/members`,
      `/calendars/${id}/events`,
    ]) {
      expect((await api.call('GET', path, { token: eve.token })).status).toBe(404)
      expect((await api.call('GET', path)).status).toBe(401)
    }
    expect((await api.call('GET', '/calendars/no-such-id', { token: eve.token })).status).toBe(404)
  })

  it('refuses privilege escalation and changes nothing', async () => {
    const { bob, cat, id, ann } = await family()
    const before = await tableCounts(auth())
    const attempts = [
      api.call('PATCH', `/calendars/${id}/members/${bob.id}`, {
        token: bob.token,
        body: { role: 'owner' },
      }),
      api.call('PATCH', `/calendars/${id}/members/${cat.id}`, {
        token: bob.token,
        body: { role: 'editor' },
      }),
      api.call('PATCH', `/calendars/${id}/members/${ann.id}`, {
        token: cat.token,
        body: { role: 'viewer' },
      }),
      api.call('DELETE', `/calendars/${id}/members/${ann.id}`, { token: bob.token }),
      api.call('POST', `/calendars/${id}/transfer`, { token: bob.token, body: { userId: bob.id } }),
      api.call('DELETE', `/calendars/${id}`, { token: bob.token }),
      api.call('POST', `/calendars/${id}/invites`, {
        token: cat.token,
        body: { username: 'eve', role: 'editor' },
      }),
      api.call('POST', `/calendars/${id}/events`, { token: cat.token }),
    ]
    for (const reply of await Promise.all(attempts)) expect(reply.status).toBe(403)
    expect(await tableCounts(auth())).toEqual(before)
    const members = await api.call<{ members: Array<{ username: string; role: string }> }>(
      'GET',
      `/calendars/${id}/members`,
      { token: cat.token },
    )
    expect(members.body.members.map((m) => `${m.username}:${m.role}`)).toEqual([
      'ann:owner',
      'bob:editor',
      'cat:viewer',
    ])
  })

  it('keeps an owner: the last owner can neither leave nor be demoted', async () => {
    const { ann, bob, id } = await family()
    const leave = await api.call('DELETE', `/calendars/${id}/members/${ann.id}`, {
      token: ann.token,
    })
    expect(leave.status).toBe(409)
    expect(leave.body).toMatchObject({ error: { code: 'last_owner' } })
    const demote = await api.call('PATCH', `/calendars/${id}/members/${ann.id}`, {
      token: ann.token,
      body: { role: 'editor' },
    })
    expect(demote.status).toBe(409)
    expect(
      (await api.call('DELETE', `/calendars/${id}/members/${bob.id}`, { token: bob.token })).status,
    ).toBe(204)
  })

  it('changes roles, removes members and transfers ownership, announcing each change', async () => {
    const { ann, bob, cat, id, doc } = await family()
    const event = await api.call<{ doc: string }>('POST', `/calendars/${id}/events`, {
      token: bob.token,
    })
    const changes = await heard()
    expect(
      (
        await api.call('PATCH', `/calendars/${id}/members/${bob.id}`, {
          token: ann.token,
          body: { role: 'viewer' },
        })
      ).status,
    ).toBe(204)
    expect(
      (await api.call('DELETE', `/calendars/${id}/members/${cat.id}`, { token: ann.token })).status,
    ).toBe(204)
    expect(
      (
        await api.call('POST', `/calendars/${id}/transfer`, {
          token: ann.token,
          body: { userId: bob.id },
        })
      ).status,
    ).toBe(204)
    const docs = [doc, event.body.doc]
    await expect.poll(() => changes.length).toBe(4)
    expect(changes.map(({ at: _at, ...rest }) => rest)).toEqual([
      { kind: 'member', userId: bob.id, docs, role: 'viewer' },
      { kind: 'member', userId: cat.id, docs, role: null },
      { kind: 'member', userId: bob.id, docs, role: 'owner' },
      { kind: 'member', userId: ann.id, docs, role: 'editor' },
    ])
    const members = await api.call<{ members: Array<{ username: string; role: string }> }>(
      'GET',
      `/calendars/${id}/members`,
      { token: ann.token },
    )
    expect(members.body.members.map((m) => `${m.username}:${m.role}`)).toEqual([
      'ann:editor',
      'bob:owner',
    ])
  })

  it('registers and deletes events; deleting the calendar removes everything and announces its docs', async () => {
    const { ann, bob, id, doc } = await family()
    const e1 = await api.call<{ id: string; doc: string }>('POST', `/calendars/${id}/events`, {
      token: bob.token,
    })
    const e2 = await api.call<{ id: string; doc: string }>('POST', `/calendars/${id}/events`, {
      token: ann.token,
    })
    const listed = await api.call<{ events: Array<{ doc: string }> }>(
      'GET',
      `/calendars/${id}/events`,
      { token: bob.token },
    )
    expect(listed.body.events.map((e) => e.doc)).toEqual([e1.body.doc, e2.body.doc])
    const changes = await heard()
    expect(
      (await api.call('DELETE', `/calendars/${id}/events/${e1.body.id}`, { token: bob.token }))
        .status,
    ).toBe(204)
    expect(
      (await api.call('DELETE', `/calendars/${id}/events/${e1.body.id}`, { token: bob.token }))
        .status,
    ).toBe(404)
    expect((await api.call('DELETE', `/calendars/${id}`, { token: ann.token })).status).toBe(204)
    await expect.poll(() => changes.length).toBe(2)
    expect(changes[0]).toMatchObject({ kind: 'doc', docs: [e1.body.doc] })
    expect(changes[1]).toMatchObject({ kind: 'doc', docs: [doc, e2.body.doc] })
    const counts = await tableCounts(auth())
    expect({
      calendars: counts.calendars,
      memberships: counts.memberships,
      events: counts.events,
    }).toEqual({ calendars: 0, memberships: 0, events: 0 })
  })

  it('registers an event under the id the client chose, idempotently, and refuses one taken elsewhere', async () => {
    const { ann, bob, cat, id } = await family()
    const chosen = '0b5c4f2e-8d51-4c1e-9a55-6d0d6f2f1a10'
    const first = await api.call<{ id: string; doc: string }>('POST', `/calendars/${id}/events`, {
      token: bob.token,
      body: { id: chosen },
    })
    expect(first.status).toBe(201)
    expect(first.body).toEqual({ id: chosen, doc: `event:${chosen}` })
    // A retry after a lost answer is safe.
    const again = await api.call('POST', `/calendars/${id}/events`, {
      token: ann.token,
      body: { id: chosen },
    })
    expect(again.status).toBe(200)
    // Another calendar cannot take it over, and bad ids or extra fields are refused.
    const other = await api.call<{ calendar: { id: string } }>('POST', '/calendars', {
      token: cat.token,
      body: { name: 'Cat' },
    })
    const taken = await api.call<{ error: { code: string } }>(
      'POST',
      `/calendars/${other.body.calendar.id}/events`,
      { token: cat.token, body: { id: chosen } },
    )
    expect(taken.status).toBe(409)
    expect(taken.body.error.code).toBe('conflict')
    for (const body of [{ id: 'has spaces' }, { id: 'x'.repeat(65) }, { id: chosen, extra: 1 }]) {
      const refused = await api.call('POST', `/calendars/${id}/events`, { token: bob.token, body })
      expect(refused.status).toBe(400)
    }
    // A viewer may not register events.
    const viewer = await api.call('POST', `/calendars/${id}/events`, {
      token: cat.token,
      body: { id: 'viewer-event' },
    })
    expect(viewer.status).toBe(403)
    const listed = await api.call<{ events: Array<{ id: string }> }>(
      'GET',
      `/calendars/${id}/events`,
      { token: ann.token },
    )
    expect(listed.body.events.map((e) => e.id)).toEqual([chosen])
  })

  it('stores injection strings in names literally', async () => {
    const ann = await api.register('ann')
    const evil = `'); DROP TABLE calendars; --`
    const created = await api.call<{ calendar: { id: string } }>('POST', '/calendars', {
      token: ann.token,
      body: { name: evil },
    })
    expect(created.status).toBe(201)
    const read = await api.call('GET', `/calendars/${created.body.calendar.id}`, {
      token: ann.token,
    })
    expect(read.body).toMatchObject({ calendar: { name: evil } })
    expect(
      (
        await api.call('GET', `/calendars/${encodeURIComponent("x' OR '1'='1")}`, {
          token: ann.token,
        })
      ).status,
    ).toBe(400)
  })
})
