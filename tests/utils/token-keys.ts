// An Ed25519 key pair and a token minter for tests, signing exactly as the
// auth API does (see @plansync/protocol sync-token.ts) unless told otherwise.
import { randomUUID } from 'node:crypto'
import {
  type Role,
  SYNC_TOKEN_ALG,
  SYNC_TOKEN_AUDIENCE,
  SYNC_TOKEN_ISSUER,
} from '@plansync/protocol'
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWTPayload, SignJWT } from 'jose'

export interface TokenMinter {
  jwks: JSONWebKeySet
  mint(
    grant: { userId: string; doc: string; role: Role },
    overrides?: { claims?: JWTPayload; expiresIn?: number; issuedAt?: number },
  ): Promise<string>
}

export async function createTokenMinter(kid = 'test-key'): Promise<TokenMinter> {
  const { privateKey, publicKey } = await generateKeyPair(SYNC_TOKEN_ALG, { crv: 'Ed25519' })
  const jwk = await exportJWK(publicKey)
  return {
    jwks: { keys: [{ ...jwk, kid, alg: SYNC_TOKEN_ALG, use: 'sig' }] },
    async mint({ userId, doc, role }, overrides = {}) {
      const issuedAt = overrides.issuedAt ?? Date.now() / 1000
      return new SignJWT({
        iss: SYNC_TOKEN_ISSUER,
        aud: SYNC_TOKEN_AUDIENCE,
        sub: userId,
        doc,
        role,
        iat: issuedAt,
        exp: Math.floor(issuedAt) + (overrides.expiresIn ?? 300),
        jti: randomUUID(),
        ...overrides.claims,
      })
        .setProtectedHeader({ alg: SYNC_TOKEN_ALG, typ: 'JWT', kid })
        .sign(privateKey)
    },
  }
}
