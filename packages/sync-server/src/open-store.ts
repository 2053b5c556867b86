// Opens the configured store, with compaction merges in a worker thread,
// and brings its schema up to date.
import type { SyncServerConfig } from './config.ts'
import { createMergeWorker } from './storage/merge-pool.ts'
import { createPostgresStore } from './storage/postgres.ts'
import { createSqliteStore } from './storage/sqlite.ts'
import type { DocStore } from './storage/types.ts'

export async function openStore(
  storage: SyncServerConfig['storage'],
  options: { idleInTransactionTimeoutMs?: number } = {},
): Promise<DocStore> {
  const worker = createMergeWorker()
  const opened =
    storage.kind === 'postgres'
      ? createPostgresStore({ url: storage.url, merge: worker.merge, ...options })
      : createSqliteStore({ file: storage.file, merge: worker.merge })
  const store: DocStore = {
    ...opened,
    async close() {
      await opened.close()
      await worker.close()
    },
  }
  try {
    await store.migrate()
  } catch (error) {
    await store.close().catch(() => {})
    throw error
  }
  return store
}
