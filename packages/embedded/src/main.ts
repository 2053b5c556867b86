#!/usr/bin/env node
// `npm start`: every plansync service in one process on one port, on SQLite
// under DATA_DIR. Prints the URL to open; SIGTERM or Ctrl-C stop it cleanly.
import { ConfigError as AuthConfigError } from '@plansync/auth-api'
import { ConfigError as SyncConfigError } from '@plansync/sync-server'
import pino from 'pino'
import { startEmbedded } from './start-embedded.ts'

async function main(): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'plansync' } })
  const embedded = await startEmbedded(process.env, logger)
  logger.info({ url: embedded.url, storage: embedded.storage }, 'listening')
  process.stderr.write(`\nplansync is running: open ${embedded.url}\n\n`)

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    embedded.close().then(
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

main().catch((error: unknown) => {
  if (error instanceof AuthConfigError || error instanceof SyncConfigError) {
    process.stderr.write(`plansync: ${error.message}\n`)
    process.exit(2)
  }
  process.stderr.write(`plansync failed to start: ${String((error as Error)?.stack ?? error)}\n`)
  process.exit(1)
})
