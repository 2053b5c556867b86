// The notifier's HTTP side: liveness, readiness (its schedule answers),
// Prometheus metrics, and the iCal feeds (`/feeds/<secret>.ics`). Anything
// else is a JSON 404.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Registry } from 'prom-client'
import { FEED_PATH } from './feeds/feed-handler.ts'

export function createNotifierRoutes(options: {
  registry: Registry
  ready: () => Promise<void>
  isClosing: () => boolean
  feeds: (request: IncomingMessage, response: ServerResponse) => Promise<void>
}) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const path = (request.url ?? '/').split('?')[0]
    if (request.method === 'GET' && path === '/healthz') {
      send(response, 200, { status: 'ok' })
      return
    }
    if (request.method === 'GET' && path === '/readyz') {
      if (options.isClosing()) {
        send(response, 503, { status: 'shutting down' })
        return
      }
      options.ready().then(
        () => send(response, 200, { status: 'ready' }),
        () => send(response, 503, { status: 'storage unreachable' }),
      )
      return
    }
    if (request.method === 'GET' && path === '/metrics') {
      options.registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': options.registry.contentType })
          response.end(text)
        },
        () => send(response, 500, { error: { code: 'internal', message: 'metrics failed' } }),
      )
      return
    }
    if (FEED_PATH.test(path ?? '')) {
      void options.feeds(request, response)
      return
    }
    send(response, 404, { error: { code: 'not_found', message: 'not found' } })
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  response.end(JSON.stringify(body))
}
