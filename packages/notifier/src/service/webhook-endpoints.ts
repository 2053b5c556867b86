// Where a user's webhook deliveries go: read from the auth API at delivery
// time (so a changed or removed endpoint applies at once), and refused when
// it points at a private or local address (the same guard as subscription
// fetches), unless allowed for tests and closed networks.
import type { Logger } from 'pino'
import type { Recipient } from '../channels/types.ts'
import type { WebhookEndpoint } from '../channels/webhook.ts'
import { checkTarget } from '../subscriptions/fetch-ics.ts'

export function createWebhookEndpoints(options: {
  authUrl: string
  secret: string
  fetch?: typeof fetch
  allowPrivate: boolean
  logger: Logger
}): (recipient: Recipient) => Promise<WebhookEndpoint | undefined> {
  const send = options.fetch ?? fetch
  return async (recipient) => {
    const response = await send(
      `${options.authUrl}/auth/internal/users/${encodeURIComponent(recipient.userId)}/webhook`,
      {
        headers: { authorization: `Bearer ${options.secret}` },
        signal: AbortSignal.timeout(10_000),
      },
    )
    if (response.status === 404) return undefined
    if (!response.ok) throw new Error(`webhook endpoint: the auth API answered ${response.status}`)
    const endpoint = (await response.json()) as WebhookEndpoint
    try {
      await checkTarget(new URL(endpoint.url), options.allowPrivate)
    } catch (error) {
      options.logger.warn({ user: recipient.userId, err: error }, 'webhook endpoint refused')
      return undefined
    }
    return endpoint
  }
}
