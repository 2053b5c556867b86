// Sync tokens and the internal access check on both stores: tokens carry
// the caller's current role for exactly one doc, verify with the published
// key set, and go only to members; the internal route needs its secret.
import { SYNC_TOKEN_AUDIENCE, SYNC_TOKEN_ISSUER } from '@plansync/protocol'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { expect, it } from 'vitest'
import { createApi } from '../testing/api.ts'
import { describeEachStore, testSettings } from '../testing/test-auth.ts'

describeEachStore('sync tokens and access checks', (auth) => {
  const api = createApi(auth)

  async function setup() {
    const ann = await api.register('ann')
    const eve = await api.register('eve')
    const cal = await api.call<{ calendar: { id: string; doc: string } }>('POST', '/calendars', {
      token: ann.token,
      body: { name: 'Trip' },
    })
    const event = await api.call<{ doc: string }>(
      'POST',
      `/calendars/${cal.body.calendar.id}/events`,
      { token: ann.token },
    )
    return { ann, eve, calendarDoc: cal.body.calendar.doc, eventDoc: event.body.doc }
  }

  it('signs a token for a member with user, doc, role, expiry and id', async () => {
    const { ann, calendarDoc, eventDoc } = await setup()
    const keys = createLocalJWKSet(auth().deps.syncTokens.publicJwks)
    for (const doc of [calendarDoc, eventDoc, `user:${ann.id}:inbox`, `user:${ann.id}:prefs`]) {
      const reply = await api.call<{ token: string; role: string; expiresAt: number }>(
        'POST',
        '/sync-tokens',
        { token: ann.token, body: { doc } },
      )
      expect(reply.status).toBe(200)
      const { payload, protectedHeader } = await jwtVerify(reply.body.token, keys, {
        issuer: SYNC_TOKEN_ISSUER,
        audience: SYNC_TOKEN_AUDIENCE,
      })
      expect(protectedHeader.alg).toBe('EdDSA')
      expect(payload).toMatchObject({
        sub: ann.id,
        doc,
        role: doc.startsWith('user:') ? 'editor' : 'owner',
      })
      expect(typeof payload.jti).toBe('string')
      expect((payload.exp as number) - (payload.iat as number)).toBeLessThanOrEqual(300)
    }
  })

  it('refuses non-members, other inboxes, unknown and malformed docs alike', async () => {
    const { ann, eve, calendarDoc, eventDoc } = await setup()
    for (const doc of [
      calendarDoc,
      eventDoc,
      `user:${ann.id}:inbox`,
      `user:${ann.id}:prefs`,
      'calendar:does-not-exist',
      'event:nope',
    ]) {
      const reply = await api.call('POST', '/sync-tokens', { token: eve.token, body: { doc } })
      expect(reply.status).toBe(403)
      expect(reply.body).toEqual({ error: { code: 'forbidden', message: 'no access to this doc' } })
    }
    expect(
      (
        await api.call('POST', '/sync-tokens', {
          token: eve.token,
          body: { doc: "calendar:' OR 1=1 --" },
        })
      ).status,
    ).toBe(403)
    expect(
      (await api.call('POST', '/sync-tokens', { token: eve.token, body: { doc: 'x'.repeat(500) } }))
        .status,
    ).toBe(400)
    expect((await api.call('POST', '/sync-tokens', { body: { doc: calendarDoc } })).status).toBe(
      401,
    )
  })

  it('answers the internal access check only with the secret', async () => {
    const { ann, eve, calendarDoc, eventDoc } = await setup()
    const body = {
      checks: [
        { userId: ann.id, doc: calendarDoc },
        { userId: ann.id, doc: eventDoc },
        { userId: eve.id, doc: calendarDoc },
        { userId: ann.id, doc: 'garbage' },
      ],
    }
    expect((await api.call('POST', '/internal/access-check', { body })).status).toBe(401)
    expect(
      (
        await api.call('POST', '/internal/access-check', {
          body,
          headers: { authorization: 'Bearer wrong' },
        })
      ).status,
    ).toBe(401)
    const bad = await api.call('POST', '/internal/access-check', {
      body: { checks: 'x' },
      headers: { authorization: 'Bearer nope' },
    })
    expect(bad.status).toBe(401)
    const ok = await api.call('POST', '/internal/access-check', {
      body,
      headers: { authorization: `Bearer ${testSettings.internalSecret}` },
    })
    expect(ok.status).toBe(200)
    expect(ok.body).toEqual({ roles: ['owner', 'owner', null, null] })
  })
})
