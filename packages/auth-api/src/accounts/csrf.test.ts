// CSRF on cookie sessions, on both stores: an unsafe request carried by the
// cookie must come from an allowed origin (or say Sec-Fetch-Site:
// same-origin); a refused one changes nothing. Bearer tokens are not
// ambient, so they need no such check; sign-in bodies must be JSON, which a
// cross-site form cannot send.
import { expect, it } from 'vitest'
import { createApi, tableCounts } from '../testing/api.ts'
import { sessionCookieOf } from '../testing/cookies.ts'
import { describeEachStore, testSettings } from '../testing/test-auth.ts'

const origin = testSettings.publicUrl

describeEachStore('csrf', (auth) => {
  const api = createApi(auth)

  async function signIn() {
    const ann = await api.register('ann', { displayName: 'Ann' })
    const login = await api.call('POST', '/login', {
      body: { username: 'ann', password: ann.password },
    })
    return { ...ann, cookie: sessionCookieOf(login.headers)?.header ?? '' }
  }

  it('refuses a cookie-authenticated unsafe request from a foreign origin and changes nothing', async () => {
    const ann = await signIn()
    const before = await tableCounts(auth())
    const foreign = { cookie: ann.cookie, origin: 'https://evil.example' }
    for (const [method, path, body] of [
      ['POST', '/logout', undefined],
      ['POST', '/logout-all', undefined],
      ['PATCH', '/me', { displayName: 'pwned' }],
      ['POST', '/password', { currentPassword: ann.password, newPassword: 'attacker password' }],
    ] as const) {
      const reply = await api.call(method, path, { headers: foreign, body })
      expect(reply.status, `${method} ${path}`).toBe(403)
      expect(reply.body).toMatchObject({ error: { code: 'csrf_rejected' } })
    }
    expect(await tableCounts(auth())).toEqual(before)
    const me = await api.call('GET', '/me', { headers: { cookie: ann.cookie } })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ user: { displayName: 'Ann' } })
    expect(
      (await api.call('POST', '/login', { body: { username: 'ann', password: ann.password } }))
        .status,
    ).toBe(200)
  })

  it('needs an Origin or Sec-Fetch-Site: same-origin on unsafe cookie requests', async () => {
    const { cookie } = await signIn()
    const attempts: Array<Record<string, string>> = [
      { cookie },
      { cookie, 'sec-fetch-site': 'cross-site' },
      { cookie, 'sec-fetch-site': 'same-site' },
      { cookie, origin: 'null' },
      { cookie, origin: 'http://127.0.0.1:8080.evil.example' },
    ]
    for (const headers of attempts) {
      expect((await api.call('POST', '/logout', { headers })).status).toBe(403)
    }
    expect((await api.call('GET', '/me', { headers: { cookie } })).status).toBe(200)
    const sameSite = await api.call('POST', '/logout', {
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
    })
    expect(sameSite.status).toBe(204)
    expect((await api.call('GET', '/me', { headers: { cookie } })).status).toBe(401)
  })

  it('accepts the allowed origin and the host the request was sent to', async () => {
    const { cookie } = await signIn()
    const renamed = await api.call('PATCH', '/me', {
      headers: { cookie, origin },
      body: { displayName: 'Ann B.' },
    })
    expect(renamed.status).toBe(200)
    const otherPort = await api.call('PATCH', '/me', {
      headers: { cookie, origin: 'http://localhost:9999', host: 'localhost:1234' },
      body: { displayName: 'x' },
    })
    expect(otherPort.status).toBe(403)
    const sameHost = await api.call('POST', '/logout', {
      headers: { cookie, origin: 'http://localhost:1234', host: 'localhost:1234' },
    })
    expect(sameHost.status).toBe(204)
  })

  it('lets bearer sessions through without an Origin, and reads with a cookie from anywhere', async () => {
    const ann = await signIn()
    expect(
      (
        await api.call('GET', '/me', {
          headers: { cookie: ann.cookie, origin: 'https://evil.example' },
        })
      ).status,
    ).toBe(200)
    expect((await api.call('POST', '/logout', { token: ann.token })).status).toBe(204)
    expect((await api.call('GET', '/me', { token: ann.token })).status).toBe(401)
  })

  it('refuses a cross-site form posting credentials (login CSRF): bodies must be JSON', async () => {
    const ann = await api.register('ann')
    const before = await tableCounts(auth())
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data']) {
      const reply = await api.call('POST', '/login', {
        headers: { 'content-type': type, origin: 'https://evil.example' },
        body: `username=ann&password=${ann.password}`,
      })
      expect(reply.status, type).toBe(415)
      expect(reply.body).toMatchObject({ error: { code: 'unsupported_media_type' } })
      expect(reply.headers.getSetCookie()).toEqual([])
    }
    expect(await tableCounts(auth())).toEqual(before)
  })
})
