// Test harness: a complete auth app over a fresh database on SQLite (a temp
// file) or on the suite's throwaway Postgres (a new database per harness),
// with a clock tests can move. `describeEachStore` runs one suite on both.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createMemoryPubSub } from '@plansync/pubsub'
import pino from 'pino'
import postgres from 'postgres'
import { afterEach, beforeEach, describe, inject } from 'vitest'
import { createPasswordHasher } from '../accounts/password-hasher.ts'
import { createRateLimits } from '../accounts/rate-limits.ts'
import { createAuthApp } from '../app.ts'
import type { AuthStorageConfig } from '../config.ts'
import { openAuthDatabase } from '../db/open-database.ts'
import type { AuthDeps, AuthSettings } from '../deps.ts'
import { createOutbox } from '../jobs/outbox.ts'
import { loadSyncTokenSigner } from '../sync-tokens/signer.ts'

export type StoreKind = AuthStorageConfig['kind']

export interface TestAuth {
  app: ReturnType<typeof createAuthApp>
  deps: AuthDeps
  clock: { advance(ms: number): void }
  close(): Promise<void>
}

export const testSettings: AuthSettings = {
  publicUrl: 'http://127.0.0.1:8080',
  allowedOrigins: ['http://127.0.0.1:8080'],
  trustProxy: false,
  sessionTtlMs: 30 * 24 * 60 * 60 * 1000,
  inviteTtlMs: 7 * 24 * 60 * 60 * 1000,
  internalSecret: 'test-internal-secret-0123456789abcdef',
}

export async function createTestAuth(
  kind: StoreKind,
  overrides: Partial<AuthDeps> = {},
): Promise<TestAuth> {
  const dir = await mkdtemp(path.join(tmpdir(), 'plansync-auth-'))
  const { storage, drop } =
    kind === 'sqlite'
      ? { storage: { kind, file: path.join(dir, 'auth.sqlite') } as const, drop: async () => {} }
      : await createPostgresDatabase()
  let offset = 0
  const database = await openAuthDatabase(storage)
  const now = () => Date.now() + offset
  const logger = pino({ level: 'silent' })
  const pubsub = overrides.pubsub ?? createMemoryPubSub()
  const deps: AuthDeps = {
    settings: testSettings,
    database,
    passwords: createPasswordHasher({ maxConcurrent: 2 }),
    rateLimits: createRateLimits(),
    syncTokens: await loadSyncTokenSigner({
      keyFile: path.join(dir, 'key.jwk.json'),
      now: () => Date.now() + offset,
    }),
    pubsub,
    outbox: createOutbox({ db: database.db, pubsub, logger, now }),
    logger,
    now,
    ...overrides,
  }
  deps.outbox.start()
  return {
    app: createAuthApp(deps),
    deps,
    clock: {
      advance(ms) {
        offset += ms
      },
    },
    async close() {
      await deps.outbox.close()
      await deps.pubsub.close()
      await database.close()
      await drop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function createPostgresDatabase() {
  const serverUrl = inject('postgresUrl')
  const name = `auth_${randomBytes(6).toString('hex')}`
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  await admin`create database ${admin(name)}`
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    storage: { kind: 'postgres', url: url.toString() } as const,
    async drop() {
      await admin`drop database if exists ${admin(name)} with (force)`
      await admin.end()
    },
  }
}

/** Runs `suite` once per store, each test with a fresh TestAuth from `auth()`. */
export function describeEachStore(
  title: string,
  suite: (auth: () => TestAuth) => void,
  overrides: () => Partial<AuthDeps> = () => ({}),
): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    describe(`${title} (${kind})`, () => {
      let current: TestAuth | undefined
      beforeEach(async () => {
        current = await createTestAuth(kind, overrides())
      })
      afterEach(async () => {
        await current?.close()
        current = undefined
      })
      suite(() => {
        if (!current) throw new Error('auth() is only available inside a test')
        return current
      })
    })
  }
}
