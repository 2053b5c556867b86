#!/usr/bin/env node
// The auth API as its own process (cluster mode): reads the environment,
// serves the app with @hono/node-server, and closes cleanly on SIGTERM.
import { serve } from '@hono/node-server'
import pino from 'pino'
import { ConfigError, loadAuthConfig } from './config.ts'
import { createAuthService } from './service.ts'

async function main(): Promise<void> {
  const config = loadAuthConfig(process.env)
  const logger = pino({ level: config.logLevel, base: { service: 'auth-api' } })
  const service = await createAuthService(config, { logger })
  const server = serve(
    { fetch: service.app.fetch, hostname: config.host, port: config.port },
    (info) =>
      logger.info(
        { url: `http://${config.host}:${info.port}`, storage: config.storage.kind },
        'listening',
      ),
  )
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    server.close(() => {
      service.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed')
          process.exit(1)
        },
      )
    })
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`plansync auth-api: ${error.message}\n`)
    process.exit(2)
  }
  process.stderr.write(
    `plansync auth-api failed to start: ${String((error as Error)?.stack ?? error)}\n`,
  )
  process.exit(1)
})
