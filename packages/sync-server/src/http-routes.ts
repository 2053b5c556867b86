// The plain HTTP side of the sync server: liveness, readiness, metrics, and
// in a cluster the live members with the owner of a doc and whether this
// instance holds it now (`/cluster?doc=`).
// Anything else goes to `fallback` (the embedded app mounts the web app and
// the APIs there) or gets a JSON 404.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Registry } from 'prom-client'
import type { Membership } from './cluster/membership.ts'
import { ownerOf } from './cluster/rendezvous.ts'
import type { DocStore } from './storage/types.ts'

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void

export interface HttpRoutesOptions {
  store: DocStore
  registry: Registry
  isClosing: () => boolean
  /** This instance and the cluster's live set, when running as a cluster. */
  cluster?: { instanceId: string; membership: Membership; holds: (docName: string) => boolean }
  fallback?: RequestHandler
}

export function createHttpRoutes(options: HttpRoutesOptions): RequestHandler {
  return function syncHttpRoutes(request, response) {
    const path = (request.url ?? '/').split('?')[0]
    if (request.method === 'GET' && path === '/healthz') {
      return sendJson(response, 200, { status: 'ok' })
    }
    if (request.method === 'GET' && path === '/readyz') {
      if (options.isClosing()) return sendJson(response, 503, { status: 'shutting down' })
      options.store.ping().then(
        () => sendJson(response, 200, { status: 'ready', storage: options.store.kind }),
        () =>
          sendJson(response, 503, { status: 'storage unreachable', storage: options.store.kind }),
      )
      return
    }
    if (request.method === 'GET' && path === '/metrics') {
      options.registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': options.registry.contentType })
          response.end(text)
        },
        () => sendJson(response, 500, { error: { code: 'internal', message: 'metrics failed' } }),
      )
      return
    }
    if (request.method === 'GET' && path === '/cluster' && options.cluster) {
      const { instanceId, membership, holds } = options.cluster
      const doc = new URL(request.url ?? '/', 'http://localhost').searchParams.get('doc')
      membership.live().then(
        (members) => {
          const owner = doc
            ? ownerOf(
                doc,
                members.map((m) => m.id),
              )
            : undefined
          sendJson(response, 200, {
            instance: instanceId,
            members,
            ...(doc
              ? { doc, owner: members.find((m) => m.id === owner) ?? null, held: holds(doc) }
              : {}),
          })
        },
        () =>
          sendJson(response, 503, { error: { code: 'unavailable', message: 'Redis unreachable' } }),
      )
      return
    }
    if (options.fallback) return options.fallback(request, response)
    sendJson(response, 404, { error: { code: 'not_found', message: 'not found' } })
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  response.end(text)
}
