// Loads the sync-token public key set: from a file (a JWKS or one JWK), or
// from the auth API's /auth/.well-known/jwks.json, retried for a while since
// in a cluster the auth API may start after the sync servers.
import { readFile } from 'node:fs/promises'
import type { JSONWebKeySet, JWK } from 'jose'
import type { Logger } from 'pino'
import type { SyncServerConfig } from '../config.ts'

export async function loadTokenKeys(
  source: NonNullable<SyncServerConfig['tokenKeys']>,
  logger: Logger,
  { attempts = 30, delayMs = 1_000 } = {},
): Promise<JSONWebKeySet> {
  if (source.kind === 'file')
    return toKeySet(JSON.parse(await readFile(source.path, 'utf8')), source.path)
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(source.url, { signal: AbortSignal.timeout(5_000) })
      if (!response.ok) throw new Error(`answered ${response.status}`)
      return toKeySet(await response.json(), source.url)
    } catch (error) {
      if (attempt >= attempts)
        throw new Error(`cannot load sync-token keys from ${source.url}`, { cause: error })
      logger.warn({ err: error, url: source.url, attempt }, 'sync-token keys not available yet')
      await new Promise((resolve) => setTimeout(resolve, delayMs))
    }
  }
}

function toKeySet(value: unknown, from: string): JSONWebKeySet {
  const keys = (value as { keys?: unknown }).keys ?? [value]
  if (
    !Array.isArray(keys) ||
    keys.length === 0 ||
    !keys.every((key) => typeof key?.kty === 'string')
  ) {
    throw new Error(`${from} holds no JSON Web Keys`)
  }
  if (keys.some((key: JWK) => key.d !== undefined)) {
    throw new Error(`${from} holds a private key: give the sync server only the public key set`)
  }
  return { keys }
}
