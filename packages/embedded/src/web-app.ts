// Serves the built web app (examples/web/dist) at `/`: hashed assets cached
// for good, everything else revalidated (the service worker and index.html
// must update), and the app's own routes (/calendars/..., /invite/...)
// answered with index.html. Without a build, a page says how to make one.
import { existsSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import sirv from 'sirv'

export type WebHandler = (request: IncomingMessage, response: ServerResponse) => void

/** Where `npm run build -w @plansync/web` puts the app, seen from this package. */
export const DEFAULT_WEB_DIR = path.resolve(import.meta.dirname, '../../../examples/web/dist')

export function createWebApp(dir: string): WebHandler {
  if (!existsSync(path.join(dir, 'index.html'))) return sendMissingBuild(dir)
  const serve = sirv(dir, {
    single: true,
    etag: true,
    gzip: false,
    setHeaders(response, pathname) {
      response.setHeader(
        'cache-control',
        pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      )
    },
  })
  return (request, response) =>
    serve(request, response, () => {
      response.writeHead(404, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ error: { code: 'not_found', message: 'not found' } }))
    })
}

function sendMissingBuild(dir: string): WebHandler {
  return (_request, response) => {
    response.writeHead(503, { 'content-type': 'text/html; charset=utf-8' })
    response.end(`<!doctype html>
<meta charset="utf-8">
<title>plansync</title>
<h1>plansync is running, but the web app is not built</h1>
<p>Build it with <code>npm run build</code> (or <code>npm run build -w @plansync/web</code>);
it is looked for in <code>${dir.replace(/[<>&]/g, '')}</code> (<code>WEB_DIR</code>).
The APIs work meanwhile: <a href="/auth/openapi.json">/auth/openapi.json</a>,
<a href="/healthz">/healthz</a>.</p>`)
  }
}
