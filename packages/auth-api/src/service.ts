// createAuthService: builds the auth API's dependencies from its config
// (database, password hasher, rate limits, signing key, pub/sub) and the app
// over them. The standalone main and the embedded process both use it.
import { createMemoryPubSub, createRedisPubSub, type PubSub } from '@plansync/pubsub'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { createPasswordHasher } from './accounts/password-hasher.ts'
import { createRateLimits } from './accounts/rate-limits.ts'
import { createAuthApp } from './app.ts'
import type { AuthConfig } from './config.ts'
import { openAuthDatabase } from './db/open-database.ts'
import type { AuthDeps } from './deps.ts'
import { createOutbox } from './jobs/outbox.ts'
import { loadSyncTokenSigner } from './sync-tokens/signer.ts'

export interface AuthService {
  readonly app: ReturnType<typeof createAuthApp>
  readonly deps: AuthDeps
  close(): Promise<void>
}

export interface AuthServiceOptions {
  logger: Logger
  /** Where access changes go; the embedded process shares its in-process bus with the sync server. */
  pubsub?: PubSub
}

export async function createAuthService(
  config: Readonly<AuthConfig>,
  options: AuthServiceOptions,
): Promise<AuthService> {
  const logger = options.logger.child({ module: 'auth' })
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false })
    : undefined
  redis?.on('error', (error) => logger.warn({ err: error }, 'redis error'))
  const pubsub = options.pubsub ?? standalonePubSub(config, logger)
  const database = await openAuthDatabase(config.storage)
  const deps: AuthDeps = {
    settings: config,
    database,
    passwords: createPasswordHasher({ maxConcurrent: config.maxConcurrentHashes }),
    rateLimits: createRateLimits({ redis }),
    syncTokens: await loadSyncTokenSigner({ keyFile: config.syncTokenKeyFile }),
    pubsub,
    outbox: createOutbox({ db: database.db, pubsub, logger, now: Date.now }),
    logger,
    now: Date.now,
  }
  deps.outbox.start()
  return {
    app: createAuthApp(deps),
    deps,
    async close() {
      await deps.outbox.close()
      await database.close()
      redis?.disconnect()
      if (!options.pubsub) await pubsub.close()
    },
  }
}

function standalonePubSub(config: Readonly<AuthConfig>, logger: Logger): PubSub {
  if (config.redisUrl) {
    return createRedisPubSub({
      url: config.redisUrl,
      onError: (error) => logger.warn({ err: error }, 'redis pub/sub error'),
    })
  }
  logger.warn('REDIS_URL is not set: sync servers hear of access changes only by their recheck')
  return createMemoryPubSub()
}
