// Claiming due reminders with several notifier replicas.
//
// Postgres: in one transaction, SELECT ... FOR UPDATE SKIP LOCKED picks due
// rows no other claimer holds, then they are leased. Rows a concurrent
// claimer locked are skipped, not waited for, so replicas share the work.
// SQLite has one writer: a single UPDATE ... WHERE key IN (SELECT ... LIMIT)
// RETURNING is atomic, so two connections can never lease the same row.
//
// A lease that expires (the replica crashed mid-send) makes the row
// claimable again; the idempotency key lets receivers drop the rare
// duplicate that a slow, not dead, replica can then cause.
import type { ExpressionBuilder, Kysely } from 'kysely'
import { toReminder } from './rows.ts'
import type { ScheduleDatabase } from './schema.ts'
import type { ScheduledReminder } from './types.ts'

export type ScheduleDialect = 'sqlite' | 'postgres'

interface ClaimRequest {
  now: number
  owner: string
  limit: number
  leaseMs: number
  graceMs: number
}

/** Pending rows whose time has come, and claimed rows whose lease ran out, still within grace. */
const claimable =
  ({ now, graceMs }: Pick<ClaimRequest, 'now' | 'graceMs'>) =>
  (eb: ExpressionBuilder<ScheduleDatabase, 'notifier_reminders'>) =>
    eb.and([
      eb.or([
        eb.and([eb('state', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('state', '=', 'claimed'), eb('lease_expires_at', '<=', now)]),
      ]),
      eb('due_at', '>=', now - graceMs),
    ])

/**
 * Records as missed every reminder that can no longer be sent in time:
 * pending, or claimed by a replica whose lease ran out, and due longer ago
 * than the grace window. Returns their keys.
 */
export async function recordMissed(
  db: Kysely<ScheduleDatabase>,
  now: number,
  graceMs: number,
): Promise<string[]> {
  const rows = await db
    .updateTable('notifier_reminders')
    .set({ state: 'missed', lease_expires_at: null, updated_at: now })
    .where('due_at', '<', now - graceMs)
    .where((eb) =>
      eb.or([
        eb('state', '=', 'pending'),
        eb.and([eb('state', '=', 'claimed'), eb('lease_expires_at', '<=', now)]),
      ]),
    )
    .returning('key')
    .execute()
  return rows.map((row) => row.key)
}

export async function claimDue(
  db: Kysely<ScheduleDatabase>,
  dialect: ScheduleDialect,
  request: ClaimRequest,
): Promise<ScheduledReminder[]> {
  const { now, owner, limit, leaseMs } = request
  const lease = (trxOrDb: Kysely<ScheduleDatabase>) =>
    trxOrDb.updateTable('notifier_reminders').set((eb) => ({
      state: 'claimed',
      lease_owner: owner,
      lease_expires_at: now + leaseMs,
      attempts: eb('attempts', '+', 1),
      updated_at: now,
    }))
  const pick = (trxOrDb: Kysely<ScheduleDatabase>) =>
    trxOrDb
      .selectFrom('notifier_reminders')
      .select('key')
      .where(claimable(request))
      .orderBy('next_attempt_at')
      .orderBy('key')
      .limit(limit)

  const rows =
    dialect === 'postgres'
      ? await db.transaction().execute(async (trx) => {
          const keys = (await pick(trx).forUpdate().skipLocked().execute()).map((row) => row.key)
          if (keys.length === 0) return []
          return lease(trx).where('key', 'in', keys).returningAll().execute()
        })
      : await lease(db)
          .where('key', 'in', pick(db))
          // Re-checked on the row being updated: the statement is atomic, this is belt and braces.
          .where(claimable(request))
          .returningAll()
          .execute()
  return rows.map(toReminder).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
}
