// Versions of events as iCal feeds show them: SEQUENCE grows when an event's
// time, place or recurrence changes, DTSTAMP is when the notifier first saw
// its current content, so unchanged data renders byte-identically.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notifier_feed_versions')
    .addColumn('calendar_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('schedule_hash', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('stamp', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notifier_feed_versions_pk', ['calendar_id', 'event_id'])
    .execute()
}
