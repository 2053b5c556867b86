// Invites the notifier still has to tell their invitee about: written in the
// same transaction as an invite to an existing user, with the link (whose
// secret is otherwise only shown to the inviter), and deleted once the
// notifier has scheduled the notification. Gone with the invite.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('invite_notices')
    .addColumn('invite_id', 'text', (c) =>
      c.primaryKey().references('invites.id').onDelete('cascade'),
    )
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
}
