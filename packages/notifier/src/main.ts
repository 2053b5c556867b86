#!/usr/bin/env node
// The notifier as its own process (cluster mode): reads sync storage,
// follows the sync servers' relay in Redis for changes, plans and sends
// reminders, serves iCal feeds, refreshes subscriptions, and serves health,
// readiness and metrics. Any number of replicas may run: the schedule's
// leases keep each reminder to one sender.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRedisRelay, openStore } from '@plansync/sync-server'
import pino from 'pino'
import { ConfigError, loadNotifierConfig } from './config.ts'
import { createNotifierRoutes } from './http-routes.ts'
import { createLocalChangeFeed, createRelayChangeFeed } from './service/change-feed.ts'
import { startNotifierService } from './service.ts'

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
  const service = await startNotifierService({
    instanceId: config.instanceId,
    store,
    // Sync servers holding the doc hear of the update through the relay.
    announce: (docName, update) => relay?.publish(docName, update),
    changes: relay ? createRelayChangeFeed(relay) : createLocalChangeFeed(),
    database: config.schedule,
    auth: config.auth,
    smtp: config.smtp,
    appUrl: config.appUrl,
    horizonMs: config.horizonMs,
    subscriptionIntervalMs: config.subscriptions.intervalMs,
    allowPrivateUrls: config.subscriptions.allowPrivate,
    logger,
  })
  let closing = false
  const http = createServer(
    createNotifierRoutes({
      registry: service.notifier.metrics.registry,
      ready: async () => {
        await service.schedule.countByState()
        await store.ping()
      },
      isClosing: () => closing,
      feeds: service.handleFeed,
    }),
  )
  await new Promise<void>((resolve) => http.listen(config.port, config.host, resolve))
  const { port } = http.address() as AddressInfo
  logger.info({ url: `http://${config.host}:${port}`, instance: config.instanceId }, 'listening')

  const stop = (signal: string) => {
    if (closing) return
    closing = true
    logger.info({ signal }, 'shutting down')
    service
      .close()
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
