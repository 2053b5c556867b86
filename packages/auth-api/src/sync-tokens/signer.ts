// Signs sync tokens with an Ed25519 key (EdDSA JWTs, see @plansync/protocol
// sync-token.ts). The private key lives in a JWK file; on first run it is
// generated there (mode 0600) so `npm start` needs no setup. The sync server
// gets only the public key set.
import { randomUUID } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  type Role,
  SYNC_TOKEN_ALG,
  SYNC_TOKEN_AUDIENCE,
  SYNC_TOKEN_ISSUER,
  SYNC_TOKEN_TTL_SECONDS,
} from '@plansync/protocol'
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose'

export interface SyncTokenSigner {
  sign(grant: {
    userId: string
    doc: string
    role: Role
  }): Promise<{ token: string; expiresAt: number }>
  /** The JSON Web Key Set the sync servers verify with. */
  readonly publicJwks: { keys: JWK[] }
}

export async function loadSyncTokenSigner(options: {
  keyFile: string
  now?: () => number
  ttlSeconds?: number
}): Promise<SyncTokenSigner> {
  const now = options.now ?? Date.now
  const ttlSeconds = options.ttlSeconds ?? SYNC_TOKEN_TTL_SECONDS
  const privateJwk = await readOrCreateKey(options.keyFile)
  const key = await importJWK(privateJwk, SYNC_TOKEN_ALG)
  const { d: _secret, ...publicJwk } = privateJwk
  const kid = privateJwk.kid as string
  return {
    publicJwks: { keys: [{ ...publicJwk, alg: SYNC_TOKEN_ALG, use: 'sig', kid }] },
    async sign({ userId, doc, role }) {
      // iat keeps milliseconds so a token orders against an access change in the same second.
      const issuedAt = now() / 1000
      const expiresAt = Math.floor(issuedAt) + ttlSeconds
      const token = await new SignJWT({ doc, role })
        .setProtectedHeader({ alg: SYNC_TOKEN_ALG, typ: 'JWT', kid })
        .setIssuer(SYNC_TOKEN_ISSUER)
        .setAudience(SYNC_TOKEN_AUDIENCE)
        .setSubject(userId)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .setJti(randomUUID())
        .sign(key)
      return { token, expiresAt: expiresAt * 1000 }
    },
  }
}

async function readOrCreateKey(file: string): Promise<JWK> {
  try {
    const jwk = JSON.parse(await readFile(file, 'utf8')) as JWK
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string') {
      throw new Error(`${file} is not an Ed25519 private JWK`)
    }
    return { ...jwk, kid: jwk.kid ?? (await calculateJwkThumbprint(jwk)) }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const { privateKey } = await generateKeyPair(SYNC_TOKEN_ALG, {
    crv: 'Ed25519',
    extractable: true,
  })
  const jwk = await exportJWK(privateKey)
  const withKid = { ...jwk, kid: await calculateJwkThumbprint(jwk) }
  await mkdir(path.dirname(file), { recursive: true })
  // 'wx': never overwrite a key another process just wrote.
  await writeFile(file, `${JSON.stringify(withKid)}\n`, { mode: 0o600, flag: 'wx' }).catch(
    async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error
    },
  )
  return JSON.parse(await readFile(file, 'utf8')) as JWK
}
