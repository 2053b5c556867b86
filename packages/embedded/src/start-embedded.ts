// One process, one port: the auth API under /auth, the sync server's
// WebSocket endpoint and health routes, the notifier and the web app, sharing an
// in-process pub/sub for access changes and a generated signing key in the
// data folder. This is what `npm start` runs.
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:net'
import path from 'node:path'
import { getRequestListener } from '@hono/node-server'
import { AUTH_BASE_PATH, createAuthService, loadAuthConfig } from '@plansync/auth-api'
import { createLocalChangeFeed, FEED_PATH, startNotifierService } from '@plansync/notifier'
import { createMemoryPubSub } from '@plansync/pubsub'
import {
  createHttpAccessChecker,
  createSyncServer,
  createSyncTokenVerifier,
  loadConfig,
  openStore,
} from '@plansync/sync-server'
import type { Logger } from 'pino'
import { createWebApp, DEFAULT_WEB_DIR } from './web-app.ts'

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
  // PORT=0 (any free port): pick it now, since links the auth API hands out
  // (invites, feeds) carry the public URL.
  const port = sync.port === 0 ? await freePort(sync.host) : sync.port
  const publicUrl = env.AUTH_PUBLIC_URL ?? `http://${sync.host}:${port}`
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
  const webApp = createWebApp(env.WEB_DIR ?? DEFAULT_WEB_DIR)
  // Set once the notifier has started; no feed URL is handed out before.
  let feeds = async (_request: IncomingMessage, response: ServerResponse): Promise<void> => {
    response.writeHead(503).end()
  }
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
      if (FEED_PATH.test(path)) {
        void feeds(request, response)
        return
      }
      // Paths of the services never fall through to the app (a malformed
      // feed secret is a 404, as an unknown one is).
      const ours = path.startsWith('/feeds/') || path.startsWith(`${sync.syncPath}/`)
      if (!ours && (request.method === 'GET' || request.method === 'HEAD')) {
        return webApp(request, response)
      }
      response.writeHead(404, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ error: { code: 'not_found', message: 'not found' } }))
    },
  })
  const url = await server.listen(port, sync.host)
  const notifier = await startNotifierService({
    instanceId: 'embedded',
    store,
    // Inbox entries and subscribed events go to storage, then to the sync
    // server, which sends them to the users' open apps.
    announce: (docName, update) => server.engine.applyRemote(docName, update),
    changes,
    database:
      sync.storage.kind === 'sqlite'
        ? { kind: 'sqlite', file: path.join(path.dirname(sync.storage.file), 'notifier.sqlite') }
        : { kind: 'postgres', url: sync.storage.url },
    // The auth app is called in-process: no network hop, same routes.
    auth: {
      url: publicUrl,
      secret: internalSecret,
      fetch: async (input, init) => authService.app.fetch(new Request(input, init)),
    },
    smtp: env.SMTP_URL ? { url: env.SMTP_URL, from: env.MAIL_FROM } : undefined,
    appUrl: publicUrl,
    subscriptionIntervalMs: subscriptionSeconds(env.NOTIFIER_SUBSCRIPTION_SECONDS) * 1000,
    allowPrivateUrls: env.NOTIFIER_FETCH_PRIVATE_URLS === 'true',
    logger: logger.child({ module: 'notifier' }),
  })
  feeds = (request, response) => notifier.handleFeed(request, response)
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

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** How often subscribed ICS URLs are fetched: 2 s to a day, 15 minutes by default. */
function subscriptionSeconds(value: string | undefined): number {
  if (value === undefined || value === '') return 900
  const seconds = Number(value)
  if (!Number.isInteger(seconds) || seconds < 2 || seconds > 86_400) {
    throw new Error(
      `NOTIFIER_SUBSCRIPTION_SECONDS: a whole number of seconds from 2 to 86400, not ${value}`,
    )
  }
  return seconds
}
