// Feed secrets: 256 random bits in the URL (well above the 128 needed),
// only their SHA-256 stored, like session and invite secrets.
import { randomBytes } from 'node:crypto'
import { hashSecret } from '../accounts/session-token.ts'

export function newFeedSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url')
  return { secret, hash: hashSecret(secret) }
}

/** The feed URL calendar apps subscribe to (and its webcal:// twin). */
export function feedUrls(publicUrl: string, secret: string): { url: string; webcalUrl: string } {
  const url = `${publicUrl}/feeds/${secret}.ics`
  return { url, webcalUrl: url.replace(/^https?:/, 'webcal:') }
}

export { hashSecret as hashFeedSecret }
