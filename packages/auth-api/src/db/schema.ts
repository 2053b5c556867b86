// Table types of the auth database, shared by SQLite and Postgres. Times are
// epoch milliseconds (bigint in Postgres, parsed to number), flags are
// status strings, JSON is text: the same rows read the same on both stores.
import type { Role } from '@plansync/protocol'

export interface UsersTable {
  id: string
  /** Lower-cased, unique: the login name. */
  username: string
  display_name: string
  /** Lower-cased, unique when present. */
  email: string | null
  /** argon2id PHC string. */
  password_hash: string
  created_at: number
  updated_at: number
}

export interface SessionsTable {
  /** The public half of the session token. */
  id: string
  /** SHA-256 of the secret half, hex: the secret itself is never stored. */
  secret_hash: string
  user_id: string
  created_at: number
  expires_at: number
  last_used_at: number
}

export interface CalendarsTable {
  id: string
  name: string
  colour: string
  time_zone: string
  created_by: string
  created_at: number
  updated_at: number
}

export interface MembershipsTable {
  calendar_id: string
  user_id: string
  role: Role
  created_at: number
  updated_at: number
}

export type InviteStatus = 'pending' | 'accepted' | 'declined' | 'revoked'

export interface InvitesTable {
  id: string
  calendar_id: string
  /** SHA-256 of the secret in the invite link, hex. */
  token_hash: string
  role: Exclude<Role, 'owner'>
  invitee_user_id: string | null
  invitee_email: string | null
  created_by: string
  created_at: number
  expires_at: number
  status: InviteStatus
  responded_at: number | null
}

/** An invite whose invitee the notifier has not yet been told about (the outbox for it). */
export interface InviteNoticesTable {
  invite_id: string
  /** The invite link, secret included: the notification carries it. */
  link: string
  created_at: number
}

export interface EventsTable {
  id: string
  calendar_id: string
  created_by: string
  created_at: number
}

export interface FeedsTable {
  id: string
  user_id: string
  /** Null: every calendar the user is a member of. */
  calendar_id: string | null
  /** 1: free/busy only (no titles, places, descriptions or attendees). */
  busy_only: number
  /** SHA-256 of the secret in the feed URL, hex. */
  token_hash: string
  created_at: number
  rotated_at: number | null
}

export interface SubscriptionsTable {
  id: string
  calendar_id: string
  /** http(s) URL of the ICS file. */
  url: string
  created_by: string
  created_at: number
  last_fetched_at: number | null
  /** Why the last fetch failed, in plain words; null when it worked. */
  last_error: string | null
}

export interface WebhooksTable {
  user_id: string
  url: string
  /** HMAC signing secret shared with the user's receiver. */
  secret: string
  created_at: number
}

/** The outbox: work that must finish even if the process dies half-way (retried until done). */
export interface JobsTable {
  id: string
  kind: string
  /** JSON. */
  payload: string
  attempts: number
  run_at: number
  last_error: string | null
  created_at: number
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
  calendars: CalendarsTable
  memberships: MembershipsTable
  invites: InvitesTable
  invite_notices: InviteNoticesTable
  events: EventsTable
  jobs: JobsTable
  feeds: FeedsTable
  subscriptions: SubscriptionsTable
  webhooks: WebhooksTable
}
