// iCal feed links: one secret per feed, stored hashed. A feed shows one
// calendar, or every calendar of its user (calendar_id null), in full or as
// free/busy only. Rotating replaces the secret; deleting revokes it.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('feeds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('calendar_id', 'text', (c) => c.references('calendars.id').onDelete('cascade'))
    .addColumn('busy_only', 'integer', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('rotated_at', 'bigint')
    .execute()
  await db.schema.createIndex('feeds_user').on('feeds').column('user_id').execute()
}
