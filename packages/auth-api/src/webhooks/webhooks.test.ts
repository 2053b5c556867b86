// A user's webhook on both stores: set with a fresh secret shown once, read
// without it, replaced, removed; bad URLs refused; the notifier reads the
// endpoint with the internal secret only.
import { expect, it } from 'vitest'
import { createApi } from '../testing/api.ts'
import { describeEachStore, testSettings } from '../testing/test-auth.ts'

describeEachStore('user webhooks', (auth) => {
  const api = createApi(auth)
  const internal = { authorization: `Bearer ${testSettings.internalSecret}` }

  it('sets, reads, replaces and removes a webhook; the notifier reads it internally', async () => {
    const ann = await api.register('ann')
    expect((await api.call('GET', '/me/webhook', { token: ann.token })).body).toEqual({
      webhook: null,
    })
    const set = await api.call<{ webhook: { url: string; secret: string } }>('PUT', '/me/webhook', {
      token: ann.token,
      body: { url: 'https://hooks.example/plansync' },
    })
    expect(set.status).toBe(200)
    expect(set.body.webhook.secret).toHaveLength(43)
    const read = await api.call<{ webhook: Record<string, unknown> }>('GET', '/me/webhook', {
      token: ann.token,
    })
    expect(read.body.webhook).toEqual({
      url: 'https://hooks.example/plansync',
      createdAt: expect.any(Number),
    })
    expect(JSON.stringify(read.body)).not.toContain(set.body.webhook.secret)
    const path = `/internal/users/${ann.id}/webhook`
    expect((await api.call('GET', path)).status).toBe(401)
    expect((await api.call('GET', path, { token: ann.token })).status).toBe(401)
    expect((await api.call('GET', path, { headers: internal })).body).toEqual(set.body.webhook)
    const again = await api.call<{ webhook: { secret: string } }>('PUT', '/me/webhook', {
      token: ann.token,
      body: { url: 'https://hooks.example/other' },
    })
    expect(again.body.webhook.secret).not.toBe(set.body.webhook.secret)
    expect((await api.call('DELETE', '/me/webhook', { token: ann.token })).status).toBe(204)
    expect((await api.call('GET', path, { headers: internal })).status).toBe(404)
  })

  it('refuses bad URLs and anonymous callers', async () => {
    const ann = await api.register('ann')
    for (const url of [
      'ftp://x.example',
      'https://u:p@x.example',
      'nope',
      `https://x.example/${'a'.repeat(2100)}`,
    ]) {
      expect(
        (await api.call('PUT', '/me/webhook', { token: ann.token, body: { url } })).status,
      ).toBe(400)
    }
    expect(
      (await api.call('PUT', '/me/webhook', { body: { url: 'https://x.example' } })).status,
    ).toBe(401)
  })
})
