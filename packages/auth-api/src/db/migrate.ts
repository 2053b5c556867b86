// Versioned migrations, run forward at startup. Each file in migrations/ is
// one version; add a new file, never edit a shipped one. Kysely records what
// ran in its own table and takes a lock, so concurrent starts are safe.
import type { Kysely } from 'kysely'
import { type Migration, Migrator } from 'kysely/migration'
import * as initial from './migrations/0001-initial.ts'
import * as feeds from './migrations/0002-feeds.ts'
import * as subscriptions from './migrations/0003-subscriptions.ts'
import * as webhooks from './migrations/0004-webhooks.ts'
import * as inviteNotices from './migrations/0005-invite-notices.ts'
import type { Database } from './schema.ts'

const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-feeds': feeds,
  '0003-subscriptions': subscriptions,
  '0004-webhooks': webhooks,
  '0005-invite-notices': inviteNotices,
}

export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((result) => result.status === 'Error')
  if (error || failed) {
    throw new Error(`auth database migration ${failed?.migrationName ?? ''} failed`, {
      cause: error,
    })
  }
}
