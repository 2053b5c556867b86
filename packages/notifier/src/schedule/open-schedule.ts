// Opens the notifier's database (the reminder schedule, feed versions) on
// SQLite (embedded) or Postgres (cluster) behind one Kysely query builder,
// and runs its migrations.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { PostgresJSDialect } from 'kysely-postgres-js'
import postgres from 'postgres'
import type { ScheduleDialect } from './claim.ts'
import { migrateSchedule } from './migrate.ts'
import { createReminderSchedule } from './reminder-schedule.ts'
import type { ScheduleDatabase } from './schema.ts'
import type { ReminderSchedule, ScheduleOptions } from './types.ts'

/** The last SQLite migration started per file in this process. */
const sqliteMigrations = new Map<string, Promise<void>>()

export type ScheduleStorage =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly max?: number }

export async function openReminderSchedule(
  storage: ScheduleStorage,
  options: ScheduleOptions = {},
): Promise<ReminderSchedule> {
  const { db, dialect } = await openScheduleDatabase(storage)
  return createReminderSchedule(db, dialect, { ...options, onClose: () => db.destroy() })
}

/** The migrated database, for the schedule and the other stores of the notifier. */
export async function openScheduleDatabase(
  storage: ScheduleStorage,
): Promise<{ db: Kysely<ScheduleDatabase>; dialect: ScheduleDialect }> {
  if (storage.kind === 'postgres') {
    const db = new Kysely<ScheduleDatabase>({
      dialect: new PostgresJSDialect({ postgres: openPostgres(storage.url, storage.max) }),
    })
    // Kysely's Postgres migrator holds an advisory lock: concurrent opens wait for each other.
    await migrateOrDestroy(db, () => migrateSchedule(db))
    return { db, dialect: 'postgres' }
  }
  const sqlite = openSqlite(storage.file)
  const db = new Kysely<ScheduleDatabase>({ dialect: new SqliteDialect({ database: sqlite }) })
  // Kysely takes no lock on SQLite (it assumes one connection), so two
  // replicas opening one file at once would both create the table. A write
  // transaction around the migration makes another process wait, then find
  // it done. Within one process the wait would block the very event loop the
  // first migration needs, so opens of one file also queue in memory.
  const migrate = async () => {
    sqlite.exec('BEGIN IMMEDIATE')
    try {
      await migrateSchedule(db)
      sqlite.exec('COMMIT')
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK')
      throw error
    }
  }
  const file = path.resolve(storage.file)
  const queued = (sqliteMigrations.get(file) ?? Promise.resolve()).then(() =>
    migrateOrDestroy(db, migrate),
  )
  const settled = queued.catch(() => {})
  sqliteMigrations.set(file, settled)
  await queued.finally(() => {
    if (sqliteMigrations.get(file) === settled) sqliteMigrations.delete(file)
  })
  return { db, dialect: 'sqlite' }
}

async function migrateOrDestroy(db: Kysely<ScheduleDatabase>, migrate: () => Promise<void>) {
  try {
    await migrate()
  } catch (error) {
    await db.destroy()
    throw error
  }
}

function openSqlite(file: string): SQLite.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true })
  const sqlite = new SQLite(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  // Other replicas (connections) may hold the write lock for a moment.
  sqlite.pragma('busy_timeout = 5000')
  return sqlite
}

function openPostgres(url: string, max = 10): postgres.Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    // Times are bigint epoch milliseconds: read them as numbers (exact below 2^53).
    types: {
      int8: {
        to: 20,
        from: [20],
        serialize: (value: number) => String(value),
        parse: (value: string) => Number(value),
      },
    },
  })
}
