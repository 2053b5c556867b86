// The app shell: health, readiness, the OpenAPI document, and the one error
// body shape for unknown routes and oversized bodies, on both stores.
import { describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from './app.ts'
import { describeEachStore } from './testing/test-auth.ts'

describeEachStore('auth app shell', (auth) => {
  it('answers health and readiness with the store kind', async () => {
    expect(await (await auth().app.request('/auth/healthz')).json()).toEqual({ status: 'ok' })
    const ready = await auth().app.request('/auth/readyz')
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready', storage: auth().deps.database.kind })
  })

  it('reports not ready once the database is gone', async () => {
    await auth().deps.database.close()
    const ready = await auth().app.request('/auth/readyz')
    expect(ready.status).toBe(503)
    expect(await ready.json()).toMatchObject({ error: { code: 'unavailable' } })
  })
})

describe('auth app edges', async () => {
  const { createTestAuth } = await import('./testing/test-auth.ts')

  it('serves an OpenAPI 3.1 document', async () => {
    const auth = await createTestAuth('sqlite')
    try {
      const response = await auth.app.request('/auth/openapi.json')
      expect(response.status).toBe(200)
      const doc = (await response.json()) as {
        openapi: string
        paths: Record<string, Record<string, unknown>>
        components: { schemas: Record<string, unknown> }
      }
      expect(doc.openapi).toBe('3.1.0')
      // Generated from the same zod schemas the routes validate with.
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/auth/register',
          '/auth/login',
          '/auth/me',
          '/auth/calendars/{id}/members/{userId}',
          '/auth/invites/{secret}/accept',
          '/auth/sync-tokens',
        ]),
      )
      expect(Object.keys(doc.components.schemas)).toEqual(
        expect.arrayContaining(['RegisterBody', 'User', 'Calendar', 'SyncToken', 'Error']),
      )
      expect(doc.paths['/auth/register']).toHaveProperty('post')
    } finally {
      await auth.close()
    }
  })

  it('publishes the sync-token public key set without the private part', async () => {
    const auth = await createTestAuth('sqlite')
    try {
      const response = await auth.app.request('/auth/.well-known/jwks.json')
      const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> }
      expect(jwks.keys).toHaveLength(1)
      expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })
      expect(jwks.keys[0]).not.toHaveProperty('d')
    } finally {
      await auth.close()
    }
  })

  it('answers unknown routes and oversized bodies in the error shape', async () => {
    const auth = await createTestAuth('sqlite')
    try {
      const missing = await auth.app.request('/auth/nope')
      expect(missing.status).toBe(404)
      expect(await missing.json()).toEqual({
        error: { code: 'not_found', message: 'no route for GET /auth/nope' },
      })
      const big = await auth.app.request('/auth/nope', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ x: 'a'.repeat(MAX_BODY_BYTES) }),
      })
      expect(big.status).toBe(413)
      expect(await big.json()).toMatchObject({ error: { code: 'payload_too_large' } })
    } finally {
      await auth.close()
    }
  })
})
