// Row types of the schedule tables, as Kysely sees them. Times are epoch
// milliseconds (bigint columns read as numbers).
import type { ReminderState } from './types.ts'

export interface ReminderTable {
  key: string
  doc: string
  event_id: string
  occurrence: string
  reminder_id: string
  recipient: string
  channel: string
  due_at: number
  /** JSON text. */
  payload: string
  state: ReminderState
  attempts: number
  next_attempt_at: number
  lease_owner: string | null
  lease_expires_at: number | null
  last_error: string | null
  sent_at: number | null
  created_at: number
  updated_at: number
}

export interface FeedVersionTable {
  calendar_id: string
  event_id: string
  schedule_hash: string
  content_hash: string
  sequence: number
  stamp: number
}

export interface ChangeDigestTable {
  /** A doc name (`calendar:<id>`, `event:<id>`), or `notifier:baseline`. */
  source: string
  version: number
  /** JSON text. */
  digest: string
  updated_at: number
}

export interface ScheduleDatabase {
  notifier_reminders: ReminderTable
  notifier_feed_versions: FeedVersionTable
  notifier_change_digests: ChangeDigestTable
}
