// Verifies signed sync tokens offline: an EdDSA JWT from the auth API,
// checked against its public key set (several keys for rotation, matched by
// `kid`). Only EdDSA is accepted, so `alg: none` and HMAC tokens forged with
// the public key as secret fail before any claim is read.
import {
  isSyncTokenClaims,
  SYNC_TOKEN_ALG,
  SYNC_TOKEN_AUDIENCE,
  SYNC_TOKEN_ISSUER,
} from '@plansync/protocol'
import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  jwtVerify,
  type KeyObject,
} from 'jose'
import { SyncError } from '../errors.ts'
import type { TokenVerifier } from './verifier.ts'

/** Real tokens are well under 1 KiB; anything far larger is refused unread. */
const MAX_TOKEN_LENGTH = 4096
const CLOCK_TOLERANCE_SECONDS = 5

/**
 * `jwks`: a fixed key set, keys matched by `kid` (a file, the embedded
 * process). `jwksUrl`: the auth API's key set, cached and fetched again (at
 * most every 30 s) when a token names a key id it does not know, so keys
 * rotate without a restart. `publicKey`: one key, used whatever `kid` a
 * token names (see importSyncTokenPublicKey).
 */
export type SyncTokenVerifierOptions =
  | { jwks: JSONWebKeySet }
  | { jwksUrl: string; refetchCooldownMs?: number }
  | { publicKey: CryptoKey | KeyObject }

export function createSyncTokenVerifier(options: SyncTokenVerifierOptions): TokenVerifier {
  const checks = {
    algorithms: [SYNC_TOKEN_ALG],
    issuer: SYNC_TOKEN_ISSUER,
    audience: SYNC_TOKEN_AUDIENCE,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  }
  let verifySignature: (token: string) => Promise<{ payload: unknown }>
  if ('publicKey' in options) {
    const key = options.publicKey
    if (key.type !== 'public') throw new Error('the sync-token key must be a public key')
    verifySignature = (token) => jwtVerify(token, key, checks)
  } else {
    let keySet: ReturnType<typeof createLocalJWKSet> | ReturnType<typeof createRemoteJWKSet>
    if ('jwks' in options) {
      if (options.jwks.keys.length === 0) throw new Error('the sync-token key set has no keys')
      keySet = createLocalJWKSet(options.jwks)
    } else {
      keySet = createRemoteJWKSet(new URL(options.jwksUrl), {
        cooldownDuration: options.refetchCooldownMs ?? 30_000,
        cacheMaxAge: 10 * 60_000,
      })
    }
    verifySignature = (token) => jwtVerify(token, keySet, checks)
  }
  return {
    async verify({ docName, token }) {
      if (!token) throw new SyncError('unauthorized', 'a sync token is required')
      if (token.length > MAX_TOKEN_LENGTH) throw new SyncError('unauthorized', 'malformed token')
      let payload: unknown
      try {
        ;({ payload } = await verifySignature(token))
      } catch (error) {
        const code = (error as { code?: string }).code
        const reason = code === 'ERR_JWT_EXPIRED' ? 'token expired' : 'invalid token'
        throw new SyncError('unauthorized', reason, { cause: error })
      }
      if (!isSyncTokenClaims(payload)) throw new SyncError('unauthorized', 'malformed token claims')
      if (payload.doc !== docName) throw new SyncError('forbidden', 'token is for another doc')
      return {
        userId: payload.sub,
        role: payload.role,
        tokenId: payload.jti,
        issuedAt: Math.round(payload.iat * 1000),
      }
    },
  }
}
