// Public surface of the notifier; each part adds its exports here.

// Change notifications (src/changes)
export {
  type CalendarChange,
  type CalendarDigest,
  diffCalendar,
  digestCalendar,
  EMPTY_CALENDAR_DIGEST,
  type EventDigest,
  parseCalendarDigest,
} from './changes/calendar-changes.ts'
export {
  type ChangeBatch,
  type ChangeRecipient,
  calendarNotifications,
  eventDocNotifications,
} from './changes/change-notifications.ts'
export { ChangeWatcher, type ChangeWatcherOptions } from './changes/change-watcher.ts'
export {
  type ChangeDigestStore,
  changeDoc,
  createChangeDigestStore,
  type DigestChange,
  type StoredDigest,
} from './changes/digest-store.ts'
export {
  diffEventDoc,
  digestEventDoc,
  EMPTY_EVENT_DOC_DIGEST,
  type EventDocChange,
  type EventDocDigest,
  parseEventDocDigest,
  type SeatDigest,
  type TaskDigest,
} from './changes/event-changes.ts'
export {
  InvitePoller,
  type InvitePollerOptions,
  inviteNotification,
} from './changes/invite-poller.ts'
export {
  createHttpInviteNoticeSource,
  type InviteNotice,
  type InviteNoticeSource,
} from './changes/invite-source.ts'
// Delivery channels (src/channels)
export {
  type BreakerChannel,
  type BreakerState,
  type CircuitBreakerOptions,
  withCircuitBreaker,
} from './channels/circuit-breaker.ts'
export { type Clock, createManualClock, type ManualClock, systemClock } from './channels/clock.ts'
export { createEmailChannel, type EmailChannelOptions } from './channels/email.ts'
export { IDEMPOTENCY_HEADER, messageIdFor } from './channels/email-message.ts'
export { createInAppChannel } from './channels/in-app.ts'
export { createMemoryInboxStore, type InboxItem, type InboxStore } from './channels/inbox-store.ts'
export { DeliveryRefusal } from './channels/results.ts'
export { backoffDelay, type RetryOptions, withRetry } from './channels/retry.ts'
export {
  createSmsChannel,
  MAX_SMS_CHARS,
  type SmsMessage,
  type SmsProvider,
} from './channels/sms.ts'
export type {
  DeliveryChannel,
  DeliveryErrorCode,
  DeliveryResult,
  JsonValue,
  Notification,
  Recipient,
  SendOptions,
} from './channels/types.ts'
export { limits as notificationLimits } from './channels/validate.ts'
export {
  assertWebhookEndpoint,
  createWebhookChannel,
  type WebhookChannelOptions,
  type WebhookEndpoint,
} from './channels/webhook.ts'
export {
  signWebhookBody,
  type VerifyOptions,
  verifyWebhookSignature,
  WEBHOOK_HEADERS,
  type WebhookHeaders,
  type WebhookVerification,
} from './channels/webhook-signature.ts'
// iCal feeds (src/feeds)
export { createFeedHandler, FEED_PATH } from './feeds/feed-handler.ts'
export {
  createHttpFeedResolver,
  type FeedResolver,
  type ResolvedFeed,
} from './feeds/feed-resolver.ts'
export {
  createFeedVersionStore,
  type EventVersion,
  type FeedVersionStore,
} from './feeds/feed-versions.ts'
export { FEED_CONTENT_TYPE, type FeedInput, renderFeed } from './feeds/render-feed.ts'
export { type Notifier, type NotifierOptions, startNotifier } from './notifier.ts'
// Durable reminder schedule (src/schedule)
export type { ScheduleDialect } from './schedule/claim.ts'
export { migrateSchedule } from './schedule/migrate.ts'
export {
  openReminderSchedule,
  openScheduleDatabase,
  type ScheduleStorage,
} from './schedule/open-schedule.ts'
export { reminderKey } from './schedule/reminder-key.ts'
export {
  createReminderSchedule,
  DEFAULT_GRACE_MS,
  DEFAULT_MAX_ATTEMPTS,
} from './schedule/reminder-schedule.ts'
export type { ScheduleDatabase } from './schedule/schema.ts'
export type {
  ClaimResult,
  ReminderInput,
  ReminderKeyParts,
  ReminderSchedule,
  ReminderState,
  ScheduledReminder,
  ScheduleOptions,
  UpsertResult,
} from './schedule/types.ts'
export {
  type ChangeFeed,
  type ChangeFeedHandlers,
  createLocalChangeFeed,
  createRelayChangeFeed,
} from './service/change-feed.ts'
export { Dispatcher, type DispatcherOptions } from './service/dispatcher.ts'
export { createDocInboxStore } from './service/doc-inbox-store.ts'
export { createStoreDocReader, type DocReader } from './service/doc-reader.ts'
export { createDocWriter, type DocWriter } from './service/doc-writer.ts'
export { createNotifierMetrics, type NotifierMetrics } from './service/metrics.ts'
export { type PlanInput, type PlanMember, planReminders } from './service/plan-reminders.ts'
export { Planner, type PlannerOptions } from './service/planner.ts'
export {
  type CalendarRecipients,
  createHttpRecipientDirectory,
  type RecipientDirectory,
} from './service/recipients.ts'
export { mailFrom, smtpOptionsFromUrl } from './service/smtp-url.ts'
export { createWebhookEndpoints } from './service/webhook-endpoints.ts'
// The service (src/service) and its composition
export {
  type NotifierService,
  type NotifierServiceOptions,
  startNotifierService,
} from './service.ts'
// Calendar subscriptions to external ICS URLs (src/subscriptions)
export { FetchRefused, fetchIcs } from './subscriptions/fetch-ics.ts'
export { prefixOf, Subscriber, type SubscriberOptions } from './subscriptions/subscriber.ts'
export {
  createHttpSubscriptionSource,
  type Subscription,
  type SubscriptionSource,
} from './subscriptions/subscription-source.ts'
