// The page at `/` until the web app is served there: where things are.
import type { ServerResponse } from 'node:http'

export function sendLandingPage(response: ServerResponse, syncPath: string): void {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
  response.end(`<!doctype html>
<meta charset="utf-8">
<title>plansync</title>
<h1>plansync is running</h1>
<ul>
  <li>Auth API: <a href="/auth/openapi.json">/auth/openapi.json</a> (OpenAPI 3.1)</li>
  <li>Sync: <code>${syncPath}/&lt;doc&gt;?token=&lt;sync token&gt;</code>, tokens from <code>POST /auth/sync-tokens</code></li>
  <li>Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>, <a href="/metrics">/metrics</a></li>
</ul>`)
}
