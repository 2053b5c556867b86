#!/usr/bin/env node
// The notifier as its own process (cluster mode): reads sync storage,
// follows the sync servers' relay in Redis for changes, plans and sends
// reminders, and serves health, readiness and metrics. Any number of
// replicas may run: the schedule's leases keep each reminder to one sender.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRedisRelay, openStore } from '@plansync/sync-server'
import pino from 'pino'
import { systemClock } from './channels/clock.ts'
import { createEmailChannel } from './channels/email.ts'
import { createInAppChannel } from './channels/in-app.ts'
import type { DeliveryChannel } from './channels/types.ts'
import { createWebhookChannel } from './channels/webhook.ts'
import { ConfigError, loadNotifierConfig } from './config.ts'
import { createFeedHandler } from './feeds/feed-handler.ts'
import { createHttpFeedResolver } from './feeds/feed-resolver.ts'
import { createFeedVersionStore } from './feeds/feed-versions.ts'
import { createNotifierRoutes } from './http-routes.ts'
import { startNotifier } from './notifier.ts'
import { openScheduleDatabase } from './schedule/open-schedule.ts'
import { createReminderSchedule } from './schedule/reminder-schedule.ts'
import { createLocalChangeFeed, createRelayChangeFeed } from './service/change-feed.ts'
import { createDocInboxStore } from './service/doc-inbox-store.ts'
import { createStoreDocReader } from './service/doc-reader.ts'
import { createDocWriter } from './service/doc-writer.ts'
import { createHttpRecipientDirectory } from './service/recipients.ts'
import { mailFrom, smtpOptionsFromUrl } from './service/smtp-url.ts'
import { createWebhookEndpoints } from './service/webhook-endpoints.ts'
import { Subscriber } from './subscriptions/subscriber.ts'
import { createHttpSubscriptionSource } from './subscriptions/subscription-source.ts'

async function main(): Promise<void> {
  const config = loadNotifierConfig(process.env)
  const logger = pino({ level: config.logLevel, base: { service: 'notifier' } })
  const store = await openStore(config.docs)
  const relay = config.redis
    ? createRedisRelay({
        url: config.redis.url,
        instanceId: `notifier-${config.instanceId}`,
        partitions: config.redis.relayPartitions,
        logger: logger.child({ module: 'relay' }),
      })
    : undefined
  if (!relay) {
    logger.warn('REDIS_URL is not set: changes are seen only at the hourly re-plan')
  }
  const reader = createStoreDocReader(store)
  const writer = createDocWriter({
    store,
    // Sync servers holding the inbox doc hear of the entry through the relay.
    announce: (docName, update) => relay?.publish(docName, update),
  })
  const channels: DeliveryChannel[] = [
    createInAppChannel({ store: createDocInboxStore({ reader, writer }) }),
    createWebhookChannel({
      resolveEndpoint: createWebhookEndpoints({
        authUrl: config.auth.url,
        secret: config.auth.secret,
        allowPrivate: config.subscriptions.allowPrivate,
        logger: logger.child({ module: 'webhooks' }),
      }),
    }),
  ]
  if (config.smtp) {
    channels.push(
      createEmailChannel({
        smtp: smtpOptionsFromUrl(config.smtp.url),
        from: mailFrom(
          config.smtp.from ??
            `plansync <plansync@${new URL(config.appUrl ?? config.auth.url).hostname}>`,
        ),
      }),
    )
  }
  const { db, dialect } = await openScheduleDatabase(config.schedule)
  const schedule = createReminderSchedule(db, dialect, { onClose: () => db.destroy() })
  const notifier = await startNotifier({
    instanceId: config.instanceId,
    schedule,
    feed: relay ? createRelayChangeFeed(relay) : createLocalChangeFeed(),
    reader,
    recipients: createHttpRecipientDirectory({
      authUrl: config.auth.url,
      secret: config.auth.secret,
    }),
    channels,
    logger,
    horizonMs: config.horizonMs,
    ...(config.appUrl ? { appUrl: config.appUrl } : {}),
  })
  const subscriber = new Subscriber({
    source: createHttpSubscriptionSource({ authUrl: config.auth.url, secret: config.auth.secret }),
    writer,
    clock: systemClock,
    logger: logger.child({ module: 'subscriptions' }),
    intervalMs: config.subscriptions.intervalMs,
    allowPrivate: config.subscriptions.allowPrivate,
  })
  subscriber.start()
  let closing = false
  const http = createServer(
    createNotifierRoutes({
      registry: notifier.metrics.registry,
      ready: async () => {
        await schedule.countByState()
        await store.ping()
      },
      isClosing: () => closing,
      feeds: createFeedHandler({
        resolve: createHttpFeedResolver({ authUrl: config.auth.url, secret: config.auth.secret }),
        reader,
        versions: createFeedVersionStore(db),
        clock: systemClock,
        logger: logger.child({ module: 'feeds' }),
      }),
    }),
  )
  await new Promise<void>((resolve) => http.listen(config.port, config.host, resolve))
  const { port } = http.address() as AddressInfo
  logger.info({ url: `http://${config.host}:${port}`, instance: config.instanceId }, 'listening')

  const stop = (signal: string) => {
    if (closing) return
    closing = true
    logger.info({ signal }, 'shutting down')
    subscriber
      .close()
      .then(() => notifier.close())
      .then(() => schedule.close())
      .then(() => store.close())
      .then(() => new Promise((resolve) => http.close(resolve)))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed')
          process.exit(1)
        },
      )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`plansync notifier: ${error.message}\n`)
    process.exit(2)
  }
  process.stderr.write(
    `plansync notifier failed to start: ${String((error as Error)?.stack ?? error)}\n`,
  )
  process.exit(1)
})
