// One process, one port: the auth API under /auth, the sync server's
// WebSocket endpoint and health routes, and the notifier, sharing an
// in-process pub/sub for access changes and a generated signing key in the
// data folder. This is what `npm start` runs.
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { getRequestListener } from '@hono/node-server'
import { AUTH_BASE_PATH, createAuthService, loadAuthConfig } from '@plansync/auth-api'
import {
  createDocInboxStore,
  createDocWriter,
  createEmailChannel,
  createHttpRecipientDirectory,
  createInAppChannel,
  createLocalChangeFeed,
  createStoreDocReader,
  type DeliveryChannel,
  openReminderSchedule,
  smtpOptionsFromUrl,
  startNotifier,
} from '@plansync/notifier'
import { createMemoryPubSub } from '@plansync/pubsub'
import {
  createHttpAccessChecker,
  createSyncServer,
  createSyncTokenVerifier,
  loadConfig,
  openStore,
} from '@plansync/sync-server'
import type { Logger } from 'pino'
import { sendLandingPage } from './landing-page.ts'

export interface Embedded {
  url: string
  storage: string
  close(options?: { timeoutMs?: number }): Promise<void>
}

export async function startEmbedded(
  env: Record<string, string | undefined>,
  logger: Logger,
): Promise<Embedded> {
  const sync = loadConfig(env)
  const publicUrl = env.AUTH_PUBLIC_URL ?? `http://${sync.host}:${sync.port}`
  // The internal access-check route is only reached in-process here.
  const internalSecret = env.AUTH_INTERNAL_SECRET ?? randomBytes(32).toString('base64url')
  const auth = loadAuthConfig({
    ...env,
    AUTH_PUBLIC_URL: publicUrl,
    AUTH_INTERNAL_SECRET: internalSecret,
  })

  const pubsub = createMemoryPubSub({
    onHandlerError: (error) => logger.error({ err: error }, 'access change handler failed'),
  })
  const authService = await createAuthService(auth, { logger, pubsub })
  const store = await openStore(sync.storage)
  const authListener = getRequestListener(authService.app.fetch)
  const changes = createLocalChangeFeed()
  const server = createSyncServer({
    // Every commit tells the notifier which doc changed.
    onDocChanged: (docName) => changes.notify(docName),
    store,
    verifier: createSyncTokenVerifier({ jwks: authService.deps.syncTokens.publicJwks }),
    pubsub,
    // The recheck calls the auth app in-process: no network hop, same route.
    accessChecker: createHttpAccessChecker({
      authUrl: publicUrl,
      secret: internalSecret,
      fetch: (request: Request) => authService.app.fetch(request),
    }),
    logger,
    syncPath: sync.syncPath,
    allowedOrigins: sync.allowedOrigins,
    ...sync.limits,
    commitWindowMs: sync.commitWindowMs,
    compaction: sync.compaction,
    fallback(request, response) {
      const path = (request.url ?? '/').split('?')[0] ?? '/'
      // The API description also at the root, where tools look first.
      if (path === '/openapi.json') request.url = `${AUTH_BASE_PATH}/openapi.json`
      if (request.url?.startsWith(`${AUTH_BASE_PATH}/`) || path === AUTH_BASE_PATH) {
        void authListener(request, response)
        return
      }
      if (request.method === 'GET' && path === '/') return sendLandingPage(response, sync.syncPath)
      response.writeHead(404, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ error: { code: 'not_found', message: 'not found' } }))
    },
  })
  const url = await server.listen(sync.port, sync.host)
  const reader = createStoreDocReader(store)
  // Inbox entries go to storage, then to the sync server, which sends them
  // to the user's open apps.
  const writer = createDocWriter({
    store,
    announce: (docName, update) => server.engine.applyRemote(docName, update),
  })
  const channels: DeliveryChannel[] = [
    createInAppChannel({ store: createDocInboxStore({ reader, writer }) }),
  ]
  if (env.SMTP_URL) {
    channels.push(
      createEmailChannel({
        smtp: smtpOptionsFromUrl(env.SMTP_URL),
        from: env.MAIL_FROM ?? `plansync <plansync@${new URL(publicUrl).hostname}>`,
      }),
    )
  }
  const notifier = await startNotifier({
    instanceId: 'embedded',
    schedule: await openReminderSchedule(
      sync.storage.kind === 'sqlite'
        ? { kind: 'sqlite', file: path.join(path.dirname(sync.storage.file), 'notifier.sqlite') }
        : { kind: 'postgres', url: sync.storage.url },
    ),
    feed: changes,
    reader,
    recipients: createHttpRecipientDirectory({
      authUrl: publicUrl,
      secret: internalSecret,
      fetch: async (input, init) => authService.app.fetch(new Request(input, init)),
    }),
    channels,
    logger: logger.child({ module: 'notifier' }),
    appUrl: publicUrl,
  })
  return {
    url,
    storage: store.kind,
    async close(options) {
      await notifier.close()
      await server.close(options)
      await authService.close()
      await pubsub.close()
    },
  }
}
