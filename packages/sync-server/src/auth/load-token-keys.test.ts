// The configured key sources: one key as a JWK or an SPKI PEM, a key file,
// and refusals of private or unusable keys before the server starts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { createTokenMinter } from '../../../../tests/utils/token-keys.ts'
import { importSyncTokenPublicKey, loadTokenKeys } from './load-token-keys.ts'
import { createSyncTokenVerifier } from './token-verifier.ts'

const doc = 'calendar:family'
const logger = pino({ level: 'silent' })
const minter = await createTokenMinter('key-2026')
const publicJwk = minter.jwks.keys[0] as Record<string, unknown>
const dir = await mkdtemp(path.join(tmpdir(), 'plansync-keys-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

async function verifierFor(source: Parameters<typeof loadTokenKeys>[0]) {
  const { options } = await loadTokenKeys(source, logger)
  const verifier = createSyncTokenVerifier(options)
  return (token: string) => verifier.verify({ docName: doc, token, params: new URLSearchParams() })
}

describe('SYNC_TOKEN_PUBLIC_KEY', () => {
  it('takes one public JWK and verifies tokens whatever kid they name', async () => {
    const { kid: _kid, ...withoutKid } = publicJwk
    const verify = await verifierFor({ kind: 'inline', value: JSON.stringify(withoutKid) })
    const token = await minter.mint({ userId: 'ann', doc, role: 'editor' })
    await expect(verify(token)).resolves.toMatchObject({ userId: 'ann', role: 'editor' })
    const other = await createTokenMinter('key-2026')
    await expect(
      verify(await other.mint({ userId: 'eve', doc, role: 'owner' })),
    ).rejects.toMatchObject({ code: 'unauthorized' })
  })

  it('takes an SPKI PEM, also with its line breaks written as \\n', async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', {
      crv: 'Ed25519',
      extractable: true,
    })
    const pem = await exportSPKI(publicKey)
    const { SignJWT } = await import('jose')
    const token = await new SignJWT({
      sub: 'bob',
      doc,
      role: 'viewer',
      jti: 'id-1',
      iat: Date.now() / 1000,
    })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'anything' })
      .setIssuer('plansync-auth')
      .setAudience('plansync-sync')
      .setExpirationTime('5m')
      .sign(privateKey)
    for (const value of [pem, pem.trim().replaceAll('\n', '\\n')]) {
      const verify = await verifierFor({ kind: 'inline', value })
      await expect(verify(token)).resolves.toMatchObject({ userId: 'bob', role: 'viewer' })
    }
    await expect(importSyncTokenPublicKey(await exportPKCS8(privateKey), 'KEY')).rejects.toThrow(
      /KEY holds a private key/,
    )
  })

  it('refuses private, secret, garbage and non-Ed25519 keys, naming the source', async () => {
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify({ ...publicJwk, d: 'c2VjcmV0' }), /KEY holds a private key/],
      [JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }), /KEY holds a private key/],
      ['not a key', /KEY is neither a JWK/],
      ['{"kty":"OKP","crv":"Ed25519","x":"!!"}', /KEY is not an Ed25519 public JWK/],
      ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /KEY is not an Ed25519/],
    ]
    const rsa = await generateKeyPair('RS256', { extractable: true })
    cases.push([await exportSPKI(rsa.publicKey), /KEY is not an Ed25519 public key/])
    for (const [value, message] of cases) {
      await expect(importSyncTokenPublicKey(value, 'KEY')).rejects.toThrow(message)
    }
  })
})

describe('SYNC_TOKEN_PUBLIC_KEYS_FILE', () => {
  it('matches several keys by kid (rotation)', async () => {
    const next = await createTokenMinter('key-2027')
    const file = path.join(dir, 'jwks.json')
    await writeFile(file, JSON.stringify({ keys: [...minter.jwks.keys, ...next.jwks.keys] }))
    const verify = await verifierFor({ kind: 'file', path: file })
    await expect(
      verify(await minter.mint({ userId: 'ann', doc, role: 'owner' })),
    ).resolves.toMatchObject({ userId: 'ann' })
    await expect(
      verify(await next.mint({ userId: 'bob', doc, role: 'owner' })),
    ).resolves.toMatchObject({ userId: 'bob' })
  })

  it('uses a lone key without a kid for every token, and refuses a private key file', async () => {
    const { kid: _kid, ...withoutKid } = publicJwk
    const file = path.join(dir, 'one.json')
    await writeFile(file, JSON.stringify(withoutKid))
    const verify = await verifierFor({ kind: 'file', path: file })
    await expect(
      verify(await minter.mint({ userId: 'ann', doc, role: 'owner' })),
    ).resolves.toMatchObject({ userId: 'ann' })
    const secret = path.join(dir, 'private.json')
    await writeFile(secret, JSON.stringify({ keys: [{ ...publicJwk, d: 'c2VjcmV0' }] }))
    await expect(loadTokenKeys({ kind: 'file', path: secret }, logger)).rejects.toThrow(
      /holds a private key/,
    )
  })
})
