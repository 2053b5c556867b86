// The client's IP for rate limits: the socket address, or the first
// X-Forwarded-For hop when the app runs behind a proxy that sets it
// (AUTH_TRUST_PROXY; trusting it otherwise would let anyone pick their IP).
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'

export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    // In-process requests (app.request in tests) have no socket.
    return 'unknown'
  }
}
