// Loads the sync-token public keys named by the configuration: one key
// (SYNC_TOKEN_PUBLIC_KEY), a key set file, or the auth API's
// /auth/.well-known/jwks.json, retried for a while since in a cluster the
// auth API may start after the sync servers. The sync server holds public
// keys only: a private key anywhere is refused at start.
import { readFile } from 'node:fs/promises'
import { SYNC_TOKEN_ALG } from '@plansync/protocol'
import { type CryptoKey, importJWK, importSPKI, type JSONWebKeySet, type JWK } from 'jose'
import type { Logger } from 'pino'
import type { SyncServerConfig } from '../config.ts'
import type { SyncTokenVerifierOptions } from './token-verifier.ts'

/** Verifier options for the configured key source, with a line to log. */
export async function loadTokenKeys(
  source: NonNullable<SyncServerConfig['tokenKeys']>,
  logger: Logger,
  { attempts = 30, delayMs = 1_000 } = {},
): Promise<{ options: SyncTokenVerifierOptions; keys: number }> {
  if (source.kind === 'inline') {
    const publicKey = await importSyncTokenPublicKey(source.value, 'SYNC_TOKEN_PUBLIC_KEY')
    return { options: { publicKey }, keys: 1 }
  }
  if (source.kind === 'file') {
    const jwks = toKeySet(JSON.parse(await readFile(source.path, 'utf8')), source.path)
    const [only] = jwks.keys
    // jose matches a token's kid against the set, so a lone key without a
    // kid would match nothing: use it as the one key instead.
    if (jwks.keys.length === 1 && only && only.kid === undefined) {
      return { options: { publicKey: await importJwk(only, source.path) }, keys: 1 }
    }
    return { options: { jwks }, keys: jwks.keys.length }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(source.url, { signal: AbortSignal.timeout(5_000) })
      if (!response.ok) throw new Error(`answered ${response.status}`)
      const jwks = toKeySet(await response.json(), source.url)
      // Fetched once to fail the start on a bad source; the verifier keeps it fresh.
      return { options: { jwksUrl: source.url }, keys: jwks.keys.length }
    } catch (error) {
      if (attempt >= attempts)
        throw new Error(`cannot load sync-token keys from ${source.url}`, { cause: error })
      logger.warn({ err: error, url: source.url, attempt }, 'sync-token keys not available yet')
      await new Promise((resolve) => setTimeout(resolve, delayMs))
    }
  }
}

/**
 * One Ed25519 public key, as a JWK (JSON) or an SPKI PEM
 * (`-----BEGIN PUBLIC KEY-----`). A PEM may have its line breaks written
 * as `\n`, as environment files often do. `from` names the source in errors.
 */
export async function importSyncTokenPublicKey(text: string, from: string): Promise<CryptoKey> {
  const value = text.trim().replaceAll('\\n', '\n')
  if (value.includes('PRIVATE KEY')) throw privateKeyError(from)
  if (value.startsWith('-----BEGIN PUBLIC KEY-----')) {
    try {
      return await importSPKI(value, SYNC_TOKEN_ALG)
    } catch (error) {
      throw new Error(`${from} is not an Ed25519 public key (SPKI PEM)`, { cause: error })
    }
  }
  let jwk: unknown
  try {
    jwk = JSON.parse(value)
  } catch (error) {
    throw new Error(`${from} is neither a JWK (JSON) nor an SPKI PEM public key`, { cause: error })
  }
  const [key] = toKeySet(jwk, from).keys
  return importJwk(key as JWK, from)
}

async function importJwk(jwk: JWK, from: string): Promise<CryptoKey> {
  let key: Awaited<ReturnType<typeof importJWK>>
  try {
    key = await importJWK(jwk, SYNC_TOKEN_ALG)
  } catch (error) {
    throw new Error(`${from} is not an Ed25519 public JWK`, { cause: error })
  }
  if (key instanceof Uint8Array) throw new Error(`${from} is a secret key, not a public key`)
  return key
}

function toKeySet(value: unknown, from: string): JSONWebKeySet {
  const keys = (value as { keys?: unknown } | null)?.keys ?? [value]
  if (
    !Array.isArray(keys) ||
    keys.length === 0 ||
    !keys.every((key) => typeof key?.kty === 'string')
  ) {
    throw new Error(`${from} holds no JSON Web Keys`)
  }
  if (keys.some((key: JWK) => key.d !== undefined || key.k !== undefined))
    throw privateKeyError(from)
  return { keys }
}

function privateKeyError(from: string): Error {
  return new Error(`${from} holds a private key: give the sync server only the public key`)
}
