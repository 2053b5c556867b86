// The durable reminder schedule: one row per reminder that may fire, keyed
// by its idempotency key, moved through these states:
//
//   pending --claimDue--> claimed --markSent--> sent          (final)
//      ^                     |----markFailed(retryAt)--> pending
//      |                     |----markFailed()---------> failed
//      |                     '--lease expires-----------> claimable again
//      |-- due longer ago than the grace window ---------> missed
//      '-- gone from the doc's reminders ----------------> cancelled
//
// cancelled, missed and failed rows come back to pending when the doc's
// reminders bring them back with a new due time; sent never does.
import type { JsonValue } from '../channels/types.ts'

export type ReminderState = 'pending' | 'claimed' | 'sent' | 'failed' | 'missed' | 'cancelled'

/** What makes a reminder unique, and so its idempotency key. */
export interface ReminderKeyParts {
  readonly eventId: string
  /** The occurrence's original start (its RECURRENCE-ID), so moving it keeps the key. */
  readonly occurrence: string
  readonly reminderId: string
  /** The user the reminder is for. */
  readonly recipient: string
  readonly channel: string
}

export interface ReminderInput extends ReminderKeyParts {
  /** Epoch milliseconds when it should fire. */
  readonly dueAt: number
  /** What the sender needs (the notification to render); stored as JSON. */
  readonly payload: JsonValue
}

export interface ScheduledReminder extends ReminderKeyParts {
  readonly key: string
  /** The doc whose snapshot produced it, the scope of `upsertForDoc`. */
  readonly doc: string
  readonly dueAt: number
  readonly payload: JsonValue
  readonly state: ReminderState
  /** Claims so far (each claim is one delivery attempt). */
  readonly attempts: number
  /** When a pending row may next be claimed. */
  readonly nextAttemptAt: number
  readonly leaseOwner: string | null
  readonly leaseExpiresAt: number | null
  readonly lastError: string | null
  readonly sentAt: number | null
  readonly createdAt: number
  readonly updatedAt: number
}

export interface UpsertResult {
  readonly inserted: number
  readonly rescheduled: number
  readonly cancelled: number
}

export interface ClaimResult {
  /** Now leased to the caller until `now + leaseMs`; send them, then markSent or markFailed. */
  readonly claimed: readonly ScheduledReminder[]
  /** Keys recorded as missed by this call (due longer ago than the grace window). */
  readonly missed: readonly string[]
}

export interface ReminderSchedule {
  /**
   * Makes the doc's stored reminders match `reminders`: inserts new ones,
   * reschedules those whose due time changed, cancels those no longer
   * present. Sent reminders are never touched.
   */
  upsertForDoc(doc: string, reminders: readonly ReminderInput[], now: number): Promise<UpsertResult>
  /**
   * Adds one-off notifications (change notifications, invites) under `doc`:
   * inserts those whose key is new, leaves existing rows (sent or not) as
   * they are, and never cancels. Resolves with how many were added.
   */
  enqueue(doc: string, reminders: readonly ReminderInput[], now: number): Promise<number>
  /**
   * Leases up to `limit` due reminders to `owner` for `leaseMs`. Safe with
   * several replicas: no row is leased to two owners at once. Reminders past
   * the grace window are recorded as missed instead.
   */
  claimDue(now: number, owner: string, limit: number, leaseMs: number): Promise<ClaimResult>
  /** Records a delivery; false when `owner` no longer holds the row. */
  markSent(key: string, owner: string, now: number): Promise<boolean>
  /**
   * Records a failed attempt: with `retryAt` the row is pending again (unless
   * attempts are used up), without it the row has failed for good.
   */
  markFailed(
    key: string,
    owner: string,
    failure: { readonly now: number; readonly error: string; readonly retryAt?: number },
  ): Promise<boolean>
  get(key: string): Promise<ScheduledReminder | undefined>
  /** Every row of a doc, in due order. */
  listForDoc(doc: string): Promise<ScheduledReminder[]>
  /** Rows per state, for metrics. */
  countByState(): Promise<Record<ReminderState, number>>
  close(): Promise<void>
}

export interface ScheduleOptions {
  /** A reminder due longer ago than this is recorded as missed, not sent. Default 15 min. */
  readonly graceMs?: number
  /** Claims after which a failure is final even with a retry time. Default 10. */
  readonly maxAttempts?: number
}
