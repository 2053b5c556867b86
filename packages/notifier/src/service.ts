// The whole notifier, wired once for both ways it runs: embedded in
// `npm start` (in-process change feed, inbox entries handed to the sync
// server in the same process, the auth app called in-process) and as its
// own process (the Redis relay both ways, the auth API over HTTP). Builds
// the channels, the reminder and change notification service, the feed
// handler and the subscription refresher over one notifier database.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { DocStore } from '@plansync/sync-server'
import type { Logger } from 'pino'
import { createChangeDigestStore } from './changes/digest-store.ts'
import { createHttpInviteNoticeSource } from './changes/invite-source.ts'
import { systemClock } from './channels/clock.ts'
import { createEmailChannel } from './channels/email.ts'
import { createInAppChannel } from './channels/in-app.ts'
import type { DeliveryChannel } from './channels/types.ts'
import { createWebhookChannel } from './channels/webhook.ts'
import { createFeedHandler } from './feeds/feed-handler.ts'
import { createHttpFeedResolver } from './feeds/feed-resolver.ts'
import { createFeedVersionStore } from './feeds/feed-versions.ts'
import { type Notifier, startNotifier } from './notifier.ts'
import { openScheduleDatabase, type ScheduleStorage } from './schedule/open-schedule.ts'
import { createReminderSchedule } from './schedule/reminder-schedule.ts'
import type { ReminderSchedule } from './schedule/types.ts'
import type { ChangeFeed } from './service/change-feed.ts'
import { createDocInboxStore } from './service/doc-inbox-store.ts'
import { createStoreDocReader } from './service/doc-reader.ts'
import { createDocWriter } from './service/doc-writer.ts'
import { createHttpRecipientDirectory } from './service/recipients.ts'
import { mailFrom, smtpOptionsFromUrl } from './service/smtp-url.ts'
import { createWebhookEndpoints } from './service/webhook-endpoints.ts'
import { Subscriber } from './subscriptions/subscriber.ts'
import { createHttpSubscriptionSource } from './subscriptions/subscription-source.ts'

export interface NotifierServiceOptions {
  instanceId: string
  /** The sync servers' storage: docs are read there, inbox and subscription writes go there. */
  store: Pick<DocStore, 'load' | 'append'>
  /** Tells the sync servers about a durable update made here. */
  announce: (docName: string, update: Uint8Array) => void
  changes: ChangeFeed
  /** The notifier's own database (schedule, feed versions, change digests). */
  database: ScheduleStorage
  auth: { url: string; secret: string; fetch?: typeof fetch }
  smtp?: { url: string; from?: string | undefined } | undefined
  appUrl?: string | undefined
  horizonMs?: number
  subscriptionIntervalMs: number
  /** Allow subscription and webhook URLs on private or loopback addresses. */
  allowPrivateUrls: boolean
  logger: Logger
}

export interface NotifierService {
  readonly notifier: Notifier
  readonly schedule: ReminderSchedule
  /** GET /feeds/<secret>.ics */
  handleFeed(request: IncomingMessage, response: ServerResponse): Promise<void>
  close(): Promise<void>
}

export async function startNotifierService(
  options: NotifierServiceOptions,
): Promise<NotifierService> {
  const { logger, auth } = options
  const internal = {
    authUrl: auth.url,
    secret: auth.secret,
    ...(auth.fetch ? { fetch: auth.fetch } : {}),
  }
  const reader = createStoreDocReader(options.store)
  let notifier: Notifier | undefined
  const writer = createDocWriter({
    store: options.store,
    announce(docName, update) {
      options.announce(docName, update)
      // The change feeds do not echo this process's own writes: plan and compare them here.
      notifier?.docChanged(docName)
    },
  })
  const channels: DeliveryChannel[] = [
    createInAppChannel({ store: createDocInboxStore({ reader, writer }) }),
    createWebhookChannel({
      resolveEndpoint: createWebhookEndpoints({
        ...internal,
        allowPrivate: options.allowPrivateUrls,
        logger: logger.child({ module: 'webhooks' }),
      }),
    }),
  ]
  if (options.smtp) {
    const host = new URL(options.appUrl ?? auth.url).hostname
    channels.push(
      createEmailChannel({
        smtp: smtpOptionsFromUrl(options.smtp.url),
        from: mailFrom(options.smtp.from ?? `plansync <plansync@${host}>`),
      }),
    )
  }
  const { db, dialect } = await openScheduleDatabase(options.database)
  const schedule = createReminderSchedule(db, dialect)
  notifier = await startNotifier({
    instanceId: options.instanceId,
    schedule,
    feed: options.changes,
    reader,
    recipients: createHttpRecipientDirectory(internal),
    digests: createChangeDigestStore(db),
    invites: createHttpInviteNoticeSource(internal),
    channels,
    logger,
    ...(options.horizonMs ? { horizonMs: options.horizonMs } : {}),
    ...(options.appUrl ? { appUrl: options.appUrl } : {}),
  })
  const subscriber = new Subscriber({
    source: createHttpSubscriptionSource(internal),
    writer,
    clock: systemClock,
    logger: logger.child({ module: 'subscriptions' }),
    intervalMs: options.subscriptionIntervalMs,
    allowPrivate: options.allowPrivateUrls,
  })
  subscriber.start()
  return {
    notifier,
    schedule,
    handleFeed: createFeedHandler({
      resolve: createHttpFeedResolver(internal),
      reader,
      versions: createFeedVersionStore(db),
      clock: systemClock,
      logger: logger.child({ module: 'feeds' }),
    }),
    async close() {
      await subscriber.close()
      await notifier.close()
      await db.destroy()
    },
  }
}
