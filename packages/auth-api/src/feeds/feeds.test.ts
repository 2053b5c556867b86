// iCal feed links on both stores: secret URLs (stored hashed) for one or all
// calendars, full or free/busy; rotation and revocation kill the old secret;
// leaving a calendar ends its feed; the notifier resolves secrets internally.
import { expect, it } from 'vitest'
import { createApi } from '../testing/api.ts'
import { describeEachStore, testSettings } from '../testing/test-auth.ts'

describeEachStore('feed links', (auth) => {
  const api = createApi(auth)
  const internal = { authorization: `Bearer ${testSettings.internalSecret}` }
  const secretOf = (url: string) => /\/feeds\/([A-Za-z0-9_-]+)\.ics$/.exec(url)?.[1] as string
  const resolve = (secret: string) =>
    api.call<{ feed: { userId: string; busyOnly: boolean; calendars: Array<{ name: string }> } }>(
      'POST',
      '/internal/feeds/resolve',
      { headers: internal, body: { secret } },
    )

  async function setup() {
    const ann = await api.register('ann')
    const bob = await api.register('bob')
    const family = await api.call<{ calendar: { id: string } }>('POST', '/calendars', {
      token: ann.token,
      body: { name: 'Family' },
    })
    const work = await api.call<{ calendar: { id: string } }>('POST', '/calendars', {
      token: ann.token,
      body: { name: 'Work' },
    })
    return { ann, bob, family: family.body.calendar.id, work: work.body.calendar.id }
  }

  it('creates secret feed URLs for one or all calendars, stored only as hashes', async () => {
    const { ann, family } = await setup()
    const one = await api.call<{ feed: { calendarId: string }; url: string; webcalUrl: string }>(
      'POST',
      '/feeds',
      { token: ann.token, body: { calendarId: family, busyOnly: true } },
    )
    expect(one.status).toBe(201)
    const secret = secretOf(one.body.url)
    // 32 random bytes in base64url: 256 bits.
    expect(secret).toHaveLength(43)
    expect(one.body.url.startsWith(`${testSettings.publicUrl}/feeds/`)).toBe(true)
    expect(one.body.webcalUrl).toMatch(/^webcal:\/\//)
    const stored = await auth()
      .deps.database.db.selectFrom('feeds')
      .select('token_hash')
      .executeTakeFirstOrThrow()
    expect(stored.token_hash).not.toContain(secret)
    const resolved = await resolve(secret)
    expect(resolved.body.feed).toMatchObject({ userId: ann.id, busyOnly: true })
    expect(resolved.body.feed.calendars.map((c) => c.name)).toEqual(['Family'])

    const all = await api.call<{ url: string }>('POST', '/feeds', { token: ann.token, body: {} })
    const everything = await resolve(secretOf(all.body.url))
    expect(everything.body.feed.calendars.map((c) => c.name)).toEqual(['Family', 'Work'])
    expect(everything.body.feed.busyOnly).toBe(false)
    const listed = await api.call<{ feeds: unknown[] }>('GET', '/feeds', { token: ann.token })
    expect(listed.body.feeds).toHaveLength(2)
    expect(JSON.stringify(listed.body)).not.toContain(secret)
  })

  it('kills the old secret on rotation and the link on revocation', async () => {
    const { ann, bob, family } = await setup()
    const created = await api.call<{ feed: { id: string }; url: string }>('POST', '/feeds', {
      token: ann.token,
      body: { calendarId: family },
    })
    const id = created.body.feed.id
    const rotated = await api.call<{ url: string }>('POST', `/feeds/${id}/rotate`, {
      token: ann.token,
    })
    expect(rotated.status).toBe(200)
    expect((await resolve(secretOf(created.body.url))).status).toBe(404)
    expect((await resolve(secretOf(rotated.body.url))).status).toBe(200)
    // Another user can neither rotate nor revoke it.
    expect((await api.call('POST', `/feeds/${id}/rotate`, { token: bob.token })).status).toBe(404)
    expect((await api.call('DELETE', `/feeds/${id}`, { token: bob.token })).status).toBe(404)
    expect((await api.call('DELETE', `/feeds/${id}`, { token: ann.token })).status).toBe(204)
    expect((await resolve(secretOf(rotated.body.url))).status).toBe(404)
  })

  it("ends a calendar's feed when its user leaves it, and keeps others out", async () => {
    const { ann, bob, family } = await setup()
    // Bob is no member: no feed of Family for him.
    const refused = await api.call('POST', '/feeds', {
      token: bob.token,
      body: { calendarId: family },
    })
    expect([403, 404]).toContain(refused.status)
    const { db } = auth().deps.database
    const now = Date.now()
    await db
      .insertInto('memberships')
      .values({
        calendar_id: family,
        user_id: bob.id,
        role: 'viewer',
        created_at: now,
        updated_at: now,
      })
      .execute()
    const bobs = await api.call<{ url: string }>('POST', '/feeds', {
      token: bob.token,
      body: { calendarId: family },
    })
    expect((await resolve(secretOf(bobs.body.url))).status).toBe(200)
    await api.call('DELETE', `/calendars/${family}/members/${bob.id}`, { token: ann.token })
    expect((await resolve(secretOf(bobs.body.url))).status).toBe(404)
  })

  it('refuses bad input, anonymous callers and resolving without the internal secret', async () => {
    const { ann } = await setup()
    expect((await api.call('POST', '/feeds', { body: {} })).status).toBe(401)
    for (const body of [{ calendarId: 'bad id' }, { busyOnly: 'yes' }, { extra: 1 }]) {
      expect((await api.call('POST', '/feeds', { token: ann.token, body })).status).toBe(400)
    }
    const created = await api.call<{ url: string }>('POST', '/feeds', {
      token: ann.token,
      body: {},
    })
    const secret = secretOf(created.body.url)
    expect((await api.call('POST', '/internal/feeds/resolve', { body: { secret } })).status).toBe(
      401,
    )
    expect(
      (await api.call('POST', '/internal/feeds/resolve', { token: ann.token, body: { secret } }))
        .status,
    ).toBe(401)
    expect((await resolve('x'.repeat(200))).status).toBe(400)
    expect((await resolve("' OR 1=1 --")).status).toBe(404)
  })
})
