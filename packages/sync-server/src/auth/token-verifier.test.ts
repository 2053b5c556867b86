// The sync-token verifier refuses every token the auth API did not sign for
// this doc, with `unauthorized` (4401 / 401) or `forbidden` (4403 / 403).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createTokenMinter } from '../../../../tests/utils/token-keys.ts'
import { SyncError } from '../errors.ts'
import { createSyncTokenVerifier } from './token-verifier.ts'

const doc = 'calendar:family'
const minter = await createTokenMinter()
const other = await createTokenMinter('other-key')
const verifier = createSyncTokenVerifier({ jwks: minter.jwks })
const verify = (token: string | undefined, docName = doc) =>
  verifier.verify({ docName, token, params: new URLSearchParams() })

async function refusal(token: string | undefined, docName = doc): Promise<string> {
  const error = await verify(token, docName).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SyncError)
  return (error as SyncError).code
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('sync token verifier', () => {
  it('accepts a token for this doc and reads user, role, id and issue time', async () => {
    const token = await minter.mint({ userId: 'ann', doc, role: 'viewer' })
    const principal = await verify(token)
    expect(principal).toMatchObject({ userId: 'ann', role: 'viewer' })
    expect(principal.tokenId).toMatch(/^[0-9a-f-]{36}$/)
    expect(Math.abs((principal.issuedAt ?? 0) - Date.now())).toBeLessThan(5_000)
  })

  it('refuses a missing, empty, garbage or huge token as unauthorized', async () => {
    expect(await refusal(undefined)).toBe('unauthorized')
    expect(await refusal('')).toBe('unauthorized')
    expect(await refusal('not.a.jwt')).toBe('unauthorized')
    expect(await refusal("' OR 1=1 --")).toBe('unauthorized')
    expect(await refusal('a'.repeat(100_000))).toBe('unauthorized')
  })

  it('refuses a token for another doc as forbidden', async () => {
    const token = await minter.mint({ userId: 'ann', doc: 'calendar:other', role: 'owner' })
    expect(await refusal(token)).toBe('forbidden')
  })

  it('refuses a tampered payload (role raised) with the original signature', async () => {
    const token = await minter.mint({ userId: 'ann', doc, role: 'viewer' })
    const [header, payload, signature] = token.split('.')
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString())
    const tampered = `${header}.${b64({ ...claims, role: 'owner' })}.${signature}`
    expect(await refusal(tampered)).toBe('unauthorized')
  })

  it('refuses alg none and an HS256 token keyed with the public key', async () => {
    const claims = JSON.parse(
      Buffer.from(
        (await minter.mint({ userId: 'ann', doc, role: 'owner' })).split('.')[1] as string,
        'base64url',
      ).toString(),
    )
    expect(await refusal(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`)).toBe(
      'unauthorized',
    )
    const { createHmac } = await import('node:crypto')
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'test-key' })}.${b64(claims)}`
    const mac = createHmac('sha256', JSON.stringify(minter.jwks.keys[0]))
      .update(input)
      .digest('base64url')
    expect(await refusal(`${input}.${mac}`)).toBe('unauthorized')
  })

  it('refuses a token signed by another key, even with our kid', async () => {
    const token = await other.mint({ userId: 'ann', doc, role: 'owner' })
    expect(await refusal(token)).toBe('unauthorized')
  })

  it('refuses an expired token and wrong issuer or audience', async () => {
    const expired = await minter.mint(
      { userId: 'ann', doc, role: 'editor' },
      { issuedAt: Date.now() / 1000 - 600, expiresIn: 300 },
    )
    expect(await refusal(expired)).toBe('unauthorized')
    const wrongIss = await minter.mint(
      { userId: 'ann', doc, role: 'editor' },
      { claims: { iss: 'someone-else' } },
    )
    expect(await refusal(wrongIss)).toBe('unauthorized')
    const wrongAud = await minter.mint(
      { userId: 'ann', doc, role: 'editor' },
      { claims: { aud: 'another-service' } },
    )
    expect(await refusal(wrongAud)).toBe('unauthorized')
  })

  it('refuses a validly signed token with malformed claims', async () => {
    const badRole = await minter.mint(
      { userId: 'ann', doc, role: 'editor' },
      { claims: { role: 'superuser' } },
    )
    expect(await refusal(badRole)).toBe('unauthorized')
  })
})

describe('sync token verifier with the auth API key set URL', () => {
  it('picks up a rotated key without a restart, and still refuses unknown keys', async () => {
    const next = await createTokenMinter('next-key')
    const stranger = await createTokenMinter('stranger-key')
    let published = { keys: [...minter.jwks.keys] }
    let fetches = 0
    const server = createServer((_request, response) => {
      fetches += 1
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify(published))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    try {
      const remote = createSyncTokenVerifier({
        jwksUrl: `http://127.0.0.1:${port}/auth/.well-known/jwks.json`,
        refetchCooldownMs: 0,
      })
      const check = (token: string) =>
        remote.verify({ docName: doc, token, params: new URLSearchParams() })
      await expect(
        check(await minter.mint({ userId: 'ann', doc, role: 'editor' })),
      ).resolves.toMatchObject({ userId: 'ann' })
      published = { keys: [...minter.jwks.keys, ...next.jwks.keys] }
      await expect(
        check(await next.mint({ userId: 'bob', doc, role: 'viewer' })),
      ).resolves.toMatchObject({ userId: 'bob' })
      await expect(
        check(await stranger.mint({ userId: 'eve', doc, role: 'owner' })),
      ).rejects.toMatchObject({ code: 'unauthorized' })
      expect(fetches).toBeGreaterThanOrEqual(2)
    } finally {
      server.close()
    }
  })
})
