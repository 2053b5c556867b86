// The ReminderSchedule over a Kysely database (SQLite or Postgres).
//
// Why not pg-boss or graphile-worker: both are good Postgres job queues, but
// Postgres-only, and the embedded mode runs on SQLite. The schedule also
// needs things a generic queue does not model (rescheduling by a stable key,
// cancelling a doc's removed reminders, a missed state), so one small table
// that runs the same on both stores is less code than a queue plus a
// bookkeeping table beside it.
import type { Kysely } from 'kysely'
import { claimDue, recordMissed, type ScheduleDialect } from './claim.ts'
import { toReminder } from './rows.ts'
import type { ScheduleDatabase } from './schema.ts'
import type { ReminderSchedule, ReminderState, ScheduleOptions } from './types.ts'
import { enqueueReminders, upsertForDoc } from './upsert.ts'

export const DEFAULT_GRACE_MS = 15 * 60 * 1000
export const DEFAULT_MAX_ATTEMPTS = 10
const STATES: readonly ReminderState[] = [
  'pending',
  'claimed',
  'sent',
  'failed',
  'missed',
  'cancelled',
]

/** A schedule over an open, migrated database; `close` runs `onClose` (the owner's cleanup). */
export function createReminderSchedule(
  db: Kysely<ScheduleDatabase>,
  dialect: ScheduleDialect,
  options: ScheduleOptions & { onClose?: () => Promise<void> } = {},
): ReminderSchedule {
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  const held = (key: string, owner: string) =>
    db.updateTable('notifier_reminders').where('key', '=', key).where('lease_owner', '=', owner)

  return {
    upsertForDoc: (doc, reminders, now) => upsertForDoc(db, doc, reminders, now),

    enqueue: (doc, reminders, now) => enqueueReminders(db, doc, reminders, now),

    async claimDue(now, owner, limit, leaseMs) {
      if (!owner) throw new Error('claimDue needs an owner id')
      if (!(limit > 0 && leaseMs > 0)) throw new Error('claimDue needs a positive limit and lease')
      const missed = await recordMissed(db, now, graceMs)
      const claimed = await claimDue(db, dialect, { now, owner, limit, leaseMs, graceMs })
      return { claimed, missed }
    },

    async markSent(key, owner, now) {
      // A row cancelled while its send was on the wire was still sent: record the truth.
      const result = await held(key, owner)
        .set({
          state: 'sent',
          sent_at: now,
          lease_expires_at: null,
          last_error: null,
          updated_at: now,
        })
        .where('state', 'in', ['claimed', 'cancelled'])
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    async markFailed(key, owner, { now, error, retryAt }) {
      const row = await db
        .selectFrom('notifier_reminders')
        .select(['attempts', 'due_at'])
        .where('key', '=', key)
        .executeTakeFirst()
      if (!row) return false
      const retry = retryAt !== undefined && Number(row.attempts) < maxAttempts
      const result = await held(key, owner)
        .set(
          retry
            ? {
                state: 'pending',
                // Not before the due time: the event may have moved while this attempt ran.
                next_attempt_at: Math.max(retryAt, Number(row.due_at)),
                lease_owner: null,
                lease_expires_at: null,
                last_error: error,
                updated_at: now,
              }
            : { state: 'failed', lease_expires_at: null, last_error: error, updated_at: now },
        )
        .where('state', '=', 'claimed')
        .where('attempts', '=', row.attempts)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    async get(key) {
      const row = await db
        .selectFrom('notifier_reminders')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst()
      return row && toReminder(row)
    },

    async listForDoc(doc) {
      const rows = await db
        .selectFrom('notifier_reminders')
        .selectAll()
        .where('doc', '=', doc)
        .orderBy('due_at')
        .orderBy('key')
        .execute()
      return rows.map(toReminder)
    },

    async countByState() {
      const rows = await db
        .selectFrom('notifier_reminders')
        .select((eb) => ['state', eb.fn.countAll<number | string>().as('count')])
        .groupBy('state')
        .execute()
      const counts = Object.fromEntries(STATES.map((state) => [state, 0])) as Record<
        ReminderState,
        number
      >
      for (const row of rows) counts[row.state] = Number(row.count)
      return counts
    },

    close: () => options.onClose?.() ?? Promise.resolve(),
  }
}
