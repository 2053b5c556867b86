// Session tokens as Lucia now documents them (without the deprecated
// package): `<id>.<secret>`, each part 24 random base32 characters (120
// bits). The id finds the row; only the SHA-256 of the secret is stored and
// compared in constant time, so neither a leaked table nor response timing
// gives a usable token.
import { timingSafeEqual } from 'node:crypto'
import { sha256 } from '@oslojs/crypto/sha2'
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding'

export interface SessionToken {
  token: string
  id: string
  /** SHA-256 of the secret, hex: what the sessions table stores. */
  secretHash: string
}

function randomPart(): string {
  const bytes = new Uint8Array(15)
  crypto.getRandomValues(bytes)
  return encodeBase32LowerCaseNoPadding(bytes)
}

export function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)))
}

export function generateSessionToken(): SessionToken {
  const id = randomPart()
  const secret = randomPart()
  return { token: `${id}.${secret}`, id, secretHash: hashSecret(secret) }
}

/** Splits a presented token; undefined when it cannot be one of ours. */
export function parseSessionToken(value: string): { id: string; secret: string } | undefined {
  const match = /^([a-z2-7]{24})\.([a-z2-7]{24})$/.exec(value)
  return match ? { id: match[1] as string, secret: match[2] as string } : undefined
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret))
  const stored = Buffer.from(storedHash)
  return presented.length === stored.length && timingSafeEqual(presented, stored)
}
