// Opens the auth database on SQLite (embedded) or Postgres (cluster) behind
// one Kysely query builder, and runs the migrations.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { PostgresJSDialect } from 'kysely-postgres-js'
import postgres from 'postgres'
import type { AuthStorageConfig } from '../config.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './schema.ts'

export interface AuthDatabase {
  readonly kind: AuthStorageConfig['kind']
  readonly db: Kysely<Database>
  /** Resolves when the database answers. */
  ping(): Promise<void>
  close(): Promise<void>
}

export async function openAuthDatabase(storage: AuthStorageConfig): Promise<AuthDatabase> {
  const db =
    storage.kind === 'sqlite'
      ? new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqlite(storage.file) }) })
      : new Kysely<Database>({
          dialect: new PostgresJSDialect({ postgres: openPostgres(storage.url) }),
        })
  try {
    await migrateToLatest(db)
  } catch (error) {
    await db.destroy()
    throw error
  }
  return {
    kind: storage.kind,
    db,
    async ping() {
      await db.selectFrom('users').select('id').limit(1).execute()
    },
    close: () => db.destroy(),
  }
}

function openSqlite(file: string): SQLite.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true })
  const sqlite = new SQLite(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  return sqlite
}

function openPostgres(url: string): postgres.Sql {
  return postgres(url, {
    max: 10,
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
