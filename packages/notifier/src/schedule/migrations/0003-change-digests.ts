// What the notifier last saw of each doc it compares for change
// notifications (a small JSON digest per calendar or event doc), with a
// version that grows by one per recorded change, so replicas can
// compare-and-set it and notification keys stay unique.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notifier_change_digests')
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notifier_change_digests').execute()
}
