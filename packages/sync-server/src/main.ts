#!/usr/bin/env node
// The sync server process: the only place that reads the environment,
// wires the dependencies, listens, and turns SIGTERM into a clean shutdown.
import { createRedisPubSub } from '@plansync/pubsub'
import { Redis } from 'ioredis'
import pino, { type Logger } from 'pino'
import { createHttpAccessChecker } from './auth/access-checker.ts'
import { loadTokenKeys } from './auth/load-token-keys.ts'
import { createSyncTokenVerifier } from './auth/token-verifier.ts'
import {
  createDenyAllVerifier,
  createInsecureDevVerifier,
  type TokenVerifier,
} from './auth/verifier.ts'
import { createRedisLeases } from './cluster/lease.ts'
import { createRedisMembership, type Membership } from './cluster/membership.ts'
import { createRedisRelay } from './cluster/redis-relay.ts'
import { ConfigError, loadConfig, type SyncServerConfig } from './config.ts'
import { openStore } from './open-store.ts'
import { type ClusterOptions, createSyncServer } from './server.ts'

async function main(): Promise<void> {
  const config = loadConfig(process.env)
  const logger = pino({ level: config.logLevel, base: { service: 'sync-server' } })
  const verifier = await chooseVerifier(config, logger)
  const pubsub = config.redisUrl
    ? createRedisPubSub({
        url: config.redisUrl,
        onError: (error) => logger.warn({ err: error }, 'redis error'),
      })
    : undefined
  if (config.tokenKeys && !pubsub) {
    logger.warn('REDIS_URL is not set: access changes arrive only through the periodic recheck')
  }
  if (config.tokenKeys && !config.accessCheck) {
    logger.warn(
      'SYNC_AUTH_URL is not set: no periodic access recheck, a lost access change stays unapplied until tokens expire',
    )
  }
  // A frozen holder's transaction must not outlive its doc lease (postgres.ts).
  const store = await openStore(
    config.storage,
    config.cluster && { idleInTransactionTimeoutMs: Math.min(5_000, config.cluster.leaseTtlMs) },
  )
  const cluster = config.cluster && clusterOptions(config.cluster, logger)
  if (cluster && store.kind === 'sqlite') {
    logger.warn('REDIS_URL is set with SQLite storage: instances must share one database file')
  }
  const server = createSyncServer({
    cluster: cluster?.options,
    store,
    verifier,
    logger,
    pubsub,
    accessChecker: config.accessCheck && createHttpAccessChecker(config.accessCheck),
    accessRecheckMs: config.accessCheck?.intervalMs,
    syncPath: config.syncPath,
    allowedOrigins: config.allowedOrigins,
    ...config.limits,
    commitWindowMs: config.commitWindowMs,
    compaction: config.compaction,
    fallback: (request, response) => {
      if (request.method !== 'GET' || request.url !== '/') {
        response.writeHead(404, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ error: { code: 'not_found', message: 'not found' } }))
        return
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end(
        `<!doctype html><title>plansync</title><h1>plansync sync server</h1><p>Storage: ${store.kind}. WebSocket endpoint: <code>${config.syncPath}/&lt;doc name&gt;</code>, e.g. <code>${config.syncPath}/calendar:family</code>. Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>, <a href="/metrics">/metrics</a>.</p>`,
      )
    },
  })
  const url = await server.listen(config.port, config.host)
  await cluster?.membership.start()
  logger.info(
    { url, storage: store.kind, syncPath: config.syncPath, instance: config.cluster?.instanceId },
    'listening',
  )
  process.stderr.write(
    `\nplansync is running at ${url}  (sync: ${url.replace(/^http/, 'ws')}${config.syncPath}/<doc>)\n\n`,
  )

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    Promise.resolve(cluster?.membership.stop())
      .catch(() => {})
      .then(() => server.close({ timeoutMs: config.shutdownTimeoutMs }))
      .then(() => pubsub?.close())
      .then(() => cluster?.redis.quit())
      .then(
        () => {
          logger.info('stopped cleanly')
          process.exit(0)
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed')
          process.exit(1)
        },
      )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

function clusterOptions(
  cluster: NonNullable<SyncServerConfig['cluster']>,
  logger: Logger,
): { options: ClusterOptions; membership: Membership; redis: Redis } {
  const redis = new Redis(cluster.redisUrl)
  redis.on('error', (error) => logger.warn({ err: error }, 'redis error'))
  const membership = createRedisMembership({
    redis,
    instanceId: cluster.instanceId,
    address: cluster.advertiseUrl,
    ttlMs: cluster.leaseTtlMs,
    onError: (error) => logger.warn({ err: error }, 'membership heartbeat failed'),
  })
  return {
    redis,
    membership,
    options: {
      instanceId: cluster.instanceId,
      relay: createRedisRelay({
        url: cluster.redisUrl,
        instanceId: cluster.instanceId,
        partitions: cluster.relayPartitions,
        logger: logger.child({ module: 'relay' }),
      }),
      leases: createRedisLeases({
        redis,
        instanceId: cluster.instanceId,
        ttlMs: cluster.leaseTtlMs,
      }),
      leaseTtlMs: cluster.leaseTtlMs,
      membership,
    },
  }
}

async function chooseVerifier(config: SyncServerConfig, logger: Logger): Promise<TokenVerifier> {
  if (config.tokenKeys) {
    // Loaded once up front: a bad key source fails the start, not every connection.
    const { options, keys } = await loadTokenKeys(config.tokenKeys, logger)
    logger.info({ keys, source: config.tokenKeys.kind }, 'verifying signed sync tokens')
    if (config.insecureDevAuth) logger.warn('SYNC_INSECURE_DEV_AUTH is ignored: sync tokens are on')
    return createSyncTokenVerifier(options)
  }
  if (config.insecureDevAuth) {
    logger.warn('SYNC_INSECURE_DEV_AUTH is on: any client may open any doc. Development only.')
    return createInsecureDevVerifier()
  }
  logger.warn(
    'no sync-token keys are configured: every connection will be refused (set SYNC_TOKEN_PUBLIC_KEY, SYNC_TOKEN_PUBLIC_KEYS_FILE or SYNC_TOKEN_JWKS_URL, or SYNC_INSECURE_DEV_AUTH=true for development)',
  )
  return createDenyAllVerifier()
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`plansync sync-server: ${error.message}\n`)
    process.exit(2)
  }
  process.stderr.write(
    `plansync sync-server failed to start: ${String((error as Error)?.stack ?? error)}\n`,
  )
  process.exit(1)
})
