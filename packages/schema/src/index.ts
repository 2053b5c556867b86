export {
  type Author,
  asAuthor,
  DELETED_BY,
  EVENT_AUTHOR,
  readDeletedBy,
  readEventAuthor,
  readTaskAssigner,
  type Stamp,
  TASK_ASSIGNER,
} from './authorship.ts'
export {
  type CalendarMeta,
  createEvent,
  deleteEvent,
  type EventFields,
  type EventInput,
  type EventStatus,
  type EventSummary,
  eventsOf,
  readCalendarMeta,
  readEvent,
  readEvents,
  updateEvent,
  validateEventFields,
} from './calendar-doc.ts'
export {
  type AgendaItem,
  addAgendaItem,
  addComment,
  addTask,
  type Comment,
  eventParts,
  type Participant,
  type Rsvp,
  readAgenda,
  readCapacity,
  readComments,
  readParticipants,
  readTasks,
  removeTask,
  type SeatState,
  setCapacity,
  setRsvp,
  type Task,
  updateTask,
} from './event-doc.ts'
export {
  type IcsImportOptions,
  type IcsImportResult,
  idForUid,
  importIcs,
} from './ics/import-ics.ts'
export {
  IcsImportError,
  type ImportedEvent,
  type ParseOptions,
  parseIcs,
} from './ics/parse-ics.ts'
export {
  addInboxEntry,
  INBOX_KINDS,
  type InboxEntry,
  type InboxKind,
  markInboxEntry,
  pruneInbox,
  readInbox,
} from './inbox-doc.ts'
export { type IssueReporter, ignoreIssues, SchemaError, type SchemaIssue } from './issues.ts'
export {
  type CalendarPrefs,
  type NotificationPrefs,
  readCalendarPrefs,
  readNotificationPrefs,
  readOwnReminders,
  setCalendarPrefs,
  setNotificationPrefs,
  setOwnReminders,
} from './prefs-doc.ts'
export { type ExpandOptions, expandEvent, expandEvents, type Occurrence } from './recurrence.ts'
export { ALLOCATOR_ORIGIN, allocateSeats } from './seat-allocator.ts'
export {
  deleteOccurrence,
  type OccurrenceRef,
  type OccurrenceScope,
  updateOccurrence,
} from './series.ts'
export {
  accessFor,
  type DocAccess,
  initialMigration,
  MIGRATION_ORIGIN,
  type Migration,
  metaOf,
  migrateDoc,
  SCHEMA_VERSION,
  schemaVersionOf,
} from './version.ts'
