// Versioned migrations for the schedule, run forward at open. The notifier
// may share a database with other services, so its migration bookkeeping
// has its own table names. Kysely takes a lock: concurrent opens are safe.
import type { Kysely } from 'kysely'
import { type Migration, Migrator } from 'kysely/migration'
import * as reminders from './migrations/0001-reminders.ts'
import * as feedVersions from './migrations/0002-feed-versions.ts'
import * as changeDigests from './migrations/0003-change-digests.ts'
import type { ScheduleDatabase } from './schema.ts'

const migrations: Record<string, Migration> = {
  '0001-reminders': reminders,
  '0002-feed-versions': feedVersions,
  '0003-change-digests': changeDigests,
}

export async function migrateSchedule(db: Kysely<ScheduleDatabase>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'notifier_migration',
    migrationLockTableName: 'notifier_migration_lock',
  })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((result) => result.status === 'Error')
  if (error || failed) {
    throw new Error(`notifier schedule migration ${failed?.migrationName ?? ''} failed`, {
      cause: error,
    })
  }
}
