// Makes one doc's stored reminders match the reminders derived from its
// latest snapshot. Runs in one transaction, and every write is guarded by
// the states it may change, so a row that another replica claims or sends
// meanwhile is never pulled back (a sent reminder is never resurrected).
import type { Kysely, Transaction } from 'kysely'
import { MAX_KEY_CHARS, reminderKey } from './reminder-key.ts'
import { chunks } from './rows.ts'
import type { ReminderTable, ScheduleDatabase } from './schema.ts'
import type { ReminderInput, ReminderState, UpsertResult } from './types.ts'

const REVIVABLE: readonly ReminderState[] = ['cancelled', 'missed', 'failed']

interface Wanted {
  key: string
  input: ReminderInput
  payload: string
}

export async function upsertForDoc(
  db: Kysely<ScheduleDatabase>,
  doc: string,
  reminders: readonly ReminderInput[],
  now: number,
): Promise<UpsertResult> {
  const wanted = prepare(doc, reminders)
  return db.transaction().execute(async (trx) => {
    const existing = new Map(
      (await trx.selectFrom('notifier_reminders').selectAll().where('doc', '=', doc).execute()).map(
        (row) => [row.key, row],
      ),
    )
    let rescheduled = 0
    const fresh: Wanted[] = []
    for (const item of wanted.values()) {
      const row = existing.get(item.key)
      if (!row) fresh.push(item)
      else if (await update(trx, row, item, now)) rescheduled++
    }
    const inserted = await insert(trx, doc, fresh, now)
    const gone = [...existing.keys()].filter((key) => !wanted.has(key))
    let cancelled = 0
    for (const keys of chunks(gone, 500)) {
      const result = await trx
        .updateTable('notifier_reminders')
        .set({ state: 'cancelled', updated_at: now })
        .where('key', 'in', keys)
        // A claimed row keeps its lease owner, so a send already on the wire can still be recorded.
        .where('state', 'in', ['pending', 'claimed'])
        .executeTakeFirst()
      cancelled += Number(result.numUpdatedRows)
    }
    return { inserted, rescheduled, cancelled }
  })
}

function prepare(doc: string, reminders: readonly ReminderInput[]): Map<string, Wanted> {
  if (doc.length === 0 || doc.length > MAX_KEY_CHARS)
    throw new Error('doc name is empty or too long')
  const wanted = new Map<string, Wanted>()
  for (const input of reminders) {
    if (!Number.isSafeInteger(input.dueAt) || input.dueAt < 0) {
      throw new Error(`reminder due time must be epoch milliseconds, got ${input.dueAt}`)
    }
    const key = reminderKey(input)
    if (wanted.has(key)) throw new Error(`reminder ${key} appears twice for ${doc}`)
    wanted.set(key, { key, input, payload: JSON.stringify(input.payload) })
  }
  return wanted
}

/** Applies a wanted reminder to its existing row; true when it was (re)scheduled. */
async function update(
  trx: Transaction<ScheduleDatabase>,
  row: ReminderTable,
  { key, input, payload }: Wanted,
  now: number,
): Promise<boolean> {
  const moved = Number(row.due_at) !== input.dueAt
  const table = () => trx.updateTable('notifier_reminders').where('key', '=', key)
  if (row.state === 'sent') return false
  if (row.state === 'pending' && moved) {
    const result = await table()
      .set(fresh(input, payload, now))
      .where('state', '=', 'pending')
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }
  if (row.state === 'cancelled' || (moved && REVIVABLE.includes(row.state))) {
    const result = await table()
      .set(fresh(input, payload, now))
      .where('state', 'in', REVIVABLE)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }
  if (moved || payload !== row.payload) {
    // In flight (claimed) or unchanged in time: keep the state, record the new facts.
    // markFailed will not retry before the new due time.
    await table()
      .set({ due_at: input.dueAt, payload, updated_at: now })
      .where('state', '<>', 'sent')
      .execute()
  }
  return false
}

/** The columns of a reminder that starts over as pending at its due time. */
function fresh(input: ReminderInput, payload: string, now: number) {
  return {
    due_at: input.dueAt,
    next_attempt_at: input.dueAt,
    payload,
    state: 'pending' as const,
    attempts: 0,
    lease_owner: null,
    lease_expires_at: null,
    last_error: null,
    updated_at: now,
  }
}

/**
 * Adds notifications that fire once, due at their `dueAt` (change
 * notifications, invites): inserts the ones whose key is new and leaves
 * every existing row as it is. Never reschedules or cancels, so a doc's
 * `upsertForDoc` and this never touch each other's rows (use another `doc`).
 */
export async function enqueueReminders(
  db: Kysely<ScheduleDatabase>,
  doc: string,
  reminders: readonly ReminderInput[],
  now: number,
): Promise<number> {
  return insert(db, doc, [...prepare(doc, reminders).values()], now)
}

async function insert(
  trx: Kysely<ScheduleDatabase>,
  doc: string,
  items: readonly Wanted[],
  now: number,
): Promise<number> {
  let inserted = 0
  for (const batch of chunks(items, 200)) {
    const result = await trx
      .insertInto('notifier_reminders')
      .values(
        batch.map(({ key, input, payload }) => ({
          key,
          doc,
          event_id: input.eventId,
          occurrence: input.occurrence,
          reminder_id: input.reminderId,
          recipient: input.recipient,
          channel: input.channel,
          ...fresh(input, payload, now),
          sent_at: null,
          created_at: now,
        })),
      )
      // Another replica inserted it first, or another doc owns the key: keep that row.
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst()
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0)
  }
  return inserted
}
