// The document types apps read and write through the handles.
export {
  type AgendaItem,
  type CalendarMeta,
  type CalendarPrefs,
  type Comment,
  type EventFields,
  type EventInput,
  type EventStatus,
  type EventSummary,
  IcsImportError,
  type IcsImportResult,
  INBOX_KINDS,
  type InboxEntry,
  type InboxKind,
  type NotificationPrefs,
  type Occurrence,
  type OccurrenceScope,
  type Participant,
  type Rsvp,
  type SchemaIssue,
  type SeatState,
  type Task,
} from '@plansync/schema'
export {
  ApiError,
  type AuthApi,
  type Calendar,
  type CalendarSubscription,
  type Feed,
  type FeedLink,
  type Invite,
  type Member,
  type User,
} from './auth-api.ts'
export { CalendarHandle, type CalendarHandleOptions } from './calendar-handle.ts'
export { type ClientOptions, createClient, type PlansyncClient } from './client.ts'
export type { DocHandle, SyncGrant } from './doc-handle.ts'
export { EventHandle } from './event-handle.ts'
export { InboxHandle } from './inbox-handle.ts'
export { LiveHandle, type LiveHandleEvents } from './live-handle.ts'
export { PrefsHandle } from './prefs-handle.ts'
export { type Peer, Presence } from './presence.ts'
export { createIndexedDbStore } from './storage/indexeddb-store.ts'
export { createMemoryStore } from './storage/memory-store.ts'
export type { LocalStore } from './storage/types.ts'
export { type BackoffOptions, backoffDelay } from './sync/backoff.ts'
export { combineStatus, type SyncState, type SyncStatus } from './sync/status.ts'
