// Sync tokens: short-lived JWTs the auth API signs (EdDSA, Ed25519) and the
// sync server verifies offline with the public key alone. A token grants one
// user one role on one doc. The client passes it as the `token` query
// parameter of the sync URL: `/sync/<doc>?token=<jwt>`.
//
//   header  { alg: 'EdDSA', typ: 'JWT', kid }
//   claims  { iss, aud, sub: user id, doc: doc name, role, iat, exp, jti }
import { isRole, type Role } from './roles.ts'

export const SYNC_TOKEN_ALG = 'EdDSA'
export const SYNC_TOKEN_ISSUER = 'plansync-auth'
export const SYNC_TOKEN_AUDIENCE = 'plansync-sync'
export const SYNC_TOKEN_QUERY_PARAM = 'token'
/** Lifetime of a sync token: long enough to connect, short enough to expire soon after revocation. */
export const SYNC_TOKEN_TTL_SECONDS = 300

export interface SyncTokenClaims {
  iss: typeof SYNC_TOKEN_ISSUER
  aud: typeof SYNC_TOKEN_AUDIENCE
  /** User id. */
  sub: string
  /** Doc name, e.g. `calendar:abc`. */
  doc: string
  role: Role
  /**
   * Issued at, seconds since the epoch, with a fractional part (millisecond
   * precision) so a token can be ordered against an access change made in the
   * same second.
   */
  iat: number
  /** Expiry, seconds since the epoch. */
  exp: number
  /** Unique token id. */
  jti: string
}

/** Checks the shape of verified claims (signature, iss, aud and exp are the verifier's job). */
export function isSyncTokenClaims(value: unknown): value is SyncTokenClaims {
  if (typeof value !== 'object' || value === null) return false
  const c = value as Record<string, unknown>
  return (
    c.iss === SYNC_TOKEN_ISSUER &&
    c.aud === SYNC_TOKEN_AUDIENCE &&
    typeof c.sub === 'string' &&
    c.sub.length > 0 &&
    typeof c.doc === 'string' &&
    isRole(c.role) &&
    typeof c.iat === 'number' &&
    Number.isFinite(c.iat) &&
    Number.isInteger(c.exp) &&
    typeof c.jti === 'string' &&
    c.jti.length > 0
  )
}
