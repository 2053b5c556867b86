// Calendar subscriptions on both stores: editors add http(s) or webcal URLs
// (webcal stored as https), viewers only read, bad URLs are refused; the
// notifier lists them and reports fetch results members then see.
import { expect, it } from 'vitest'
import { createApi } from '../testing/api.ts'
import { describeEachStore, testSettings } from '../testing/test-auth.ts'

describeEachStore('calendar subscriptions', (auth) => {
  const api = createApi(auth)
  const internal = { authorization: `Bearer ${testSettings.internalSecret}` }

  async function family() {
    const ann = await api.register('ann')
    const bob = await api.register('bob')
    const created = await api.call<{ calendar: { id: string } }>('POST', '/calendars', {
      token: ann.token,
      body: { name: 'Family', timeZone: 'Europe/Berlin' },
    })
    const id = created.body.calendar.id
    const now = Date.now()
    await auth()
      .deps.database.db.insertInto('memberships')
      .values({
        calendar_id: id,
        user_id: bob.id,
        role: 'viewer',
        created_at: now,
        updated_at: now,
      })
      .execute()
    return { ann, bob, id }
  }

  it('adds, lists with fetch reports, and removes subscriptions', async () => {
    const { ann, bob, id } = await family()
    const added = await api.call<{ subscription: { id: string; url: string } }>(
      'POST',
      `/calendars/${id}/subscriptions`,
      { token: ann.token, body: { url: 'webcal://holidays.example/de.ics' } },
    )
    expect(added.status).toBe(201)
    expect(added.body.subscription.url).toBe('https://holidays.example/de.ics')
    const subId = added.body.subscription.id

    const due = await api.call<{ subscriptions: unknown[] }>('GET', '/internal/subscriptions', {
      headers: internal,
    })
    expect(due.body.subscriptions).toEqual([
      {
        id: subId,
        calendarId: id,
        url: 'https://holidays.example/de.ics',
        timeZone: 'Europe/Berlin',
      },
    ])
    const report = await api.call('POST', `/internal/subscriptions/${subId}/report`, {
      headers: internal,
      body: { at: 1234, error: 'the file is not an iCalendar file' },
    })
    expect(report.status).toBe(204)
    const listed = await api.call<{ subscriptions: unknown[] }>(
      'GET',
      `/calendars/${id}/subscriptions`,
      { token: bob.token },
    )
    expect(listed.body.subscriptions).toEqual([
      expect.objectContaining({
        lastFetchedAt: 1234,
        lastError: 'the file is not an iCalendar file',
      }),
    ])
    // A viewer may not remove it; the editor may, once.
    expect(
      (await api.call('DELETE', `/calendars/${id}/subscriptions/${subId}`, { token: bob.token }))
        .status,
    ).toBe(403)
    expect(
      (await api.call('DELETE', `/calendars/${id}/subscriptions/${subId}`, { token: ann.token }))
        .status,
    ).toBe(204)
    expect(
      (await api.call('DELETE', `/calendars/${id}/subscriptions/${subId}`, { token: ann.token }))
        .status,
    ).toBe(404)
  })

  it('refuses bad URLs, viewers, strangers and reports without the internal secret', async () => {
    const { ann, bob, id } = await family()
    for (const url of [
      'ftp://x.example/a.ics',
      'file:///etc/passwd',
      'https://user:pw@x.example/a.ics',
      'not a url',
      `https://x.example/${'a'.repeat(2100)}`,
    ]) {
      const refused = await api.call('POST', `/calendars/${id}/subscriptions`, {
        token: ann.token,
        body: { url },
      })
      expect(refused.status, url.slice(0, 30)).toBe(400)
    }
    expect(
      (
        await api.call('POST', `/calendars/${id}/subscriptions`, {
          token: bob.token,
          body: { url: 'https://x.example/a.ics' },
        })
      ).status,
    ).toBe(403)
    expect((await api.call('GET', `/calendars/${id}/subscriptions`)).status).toBe(401)
    expect((await api.call('GET', '/internal/subscriptions')).status).toBe(401)
    expect(
      (
        await api.call('POST', '/internal/subscriptions/nope/report', {
          headers: internal,
          body: { at: 1, error: null },
        })
      ).status,
    ).toBe(404)
  })
})
