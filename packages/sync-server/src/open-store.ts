// Opens the configured store and brings its schema up to date.
import type { SyncServerConfig } from './config.ts'
import { createPostgresStore } from './storage/postgres.ts'
import { createSqliteStore } from './storage/sqlite.ts'
import type { DocStore } from './storage/types.ts'

export async function openStore(storage: SyncServerConfig['storage']): Promise<DocStore> {
  const store =
    storage.kind === 'postgres'
      ? createPostgresStore({ url: storage.url })
      : createSqliteStore({ file: storage.file })
  try {
    await store.migrate()
  } catch (error) {
    await store.close().catch(() => {})
    throw error
  }
  return store
}
