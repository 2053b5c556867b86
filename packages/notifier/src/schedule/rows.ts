// Converts between stored rows and ScheduledReminder values.
import type { JsonValue } from '../channels/types.ts'
import type { ReminderTable } from './schema.ts'
import type { ScheduledReminder } from './types.ts'

export function toReminder(row: ReminderTable): ScheduledReminder {
  return {
    key: row.key,
    doc: row.doc,
    eventId: row.event_id,
    occurrence: row.occurrence,
    reminderId: row.reminder_id,
    recipient: row.recipient,
    channel: row.channel,
    dueAt: Number(row.due_at),
    payload: JSON.parse(row.payload) as JsonValue,
    state: row.state,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at),
    lastError: row.last_error,
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }
}

/** Splits a list into chunks, to stay under the bound-parameter limits of both stores. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
