// Everything the auth routes need, made once by createAuthService (or by a
// test) and passed to createAuthApp: no route reads the environment or opens
// a connection itself.
import type { PubSub } from '@plansync/pubsub'
import type { Logger } from 'pino'
import type { PasswordHasher } from './accounts/password-hasher.ts'
import type { RateLimits } from './accounts/rate-limits.ts'
import type { AuthConfig } from './config.ts'
import type { AuthDatabase } from './db/open-database.ts'
import type { Outbox } from './jobs/outbox.ts'
import type { SyncTokenSigner } from './sync-tokens/signer.ts'

export type AuthSettings = Pick<
  AuthConfig,
  'publicUrl' | 'allowedOrigins' | 'trustProxy' | 'sessionTtlMs' | 'inviteTtlMs' | 'internalSecret'
>

export interface AuthDeps {
  settings: AuthSettings
  database: AuthDatabase
  passwords: PasswordHasher
  rateLimits: RateLimits
  syncTokens: SyncTokenSigner
  /** Access changes for the sync servers (ACCESS_CHANGES_CHANNEL). */
  pubsub: PubSub
  /** Publishes access changes after commit, retried until done. */
  outbox: Outbox
  logger: Logger
  /** Epoch milliseconds; injectable so tests can move time. */
  now: () => number
}
