// The subscriptions to fetch, and where to report how a fetch went: the
// auth API's internal routes (GET /auth/internal/subscriptions, POST
// .../{id}/report), which members see in the subscription list.

export interface Subscription {
  id: string
  calendarId: string
  url: string
  timeZone: string
}

export interface SubscriptionSource {
  list(): Promise<Subscription[]>
  report(id: string, outcome: { at: number; error: string | null }): Promise<void>
}

export function createHttpSubscriptionSource(options: {
  authUrl: string
  secret: string
  fetch?: typeof fetch
}): SubscriptionSource {
  const send = options.fetch ?? fetch
  const call = (path: string, init: RequestInit = {}) =>
    send(`${options.authUrl}/auth/internal${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${options.secret}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      signal: AbortSignal.timeout(10_000),
    })
  return {
    async list() {
      const response = await call('/subscriptions')
      if (!response.ok) throw new Error(`subscriptions: the auth API answered ${response.status}`)
      return ((await response.json()) as { subscriptions: Subscription[] }).subscriptions
    },
    async report(id, outcome) {
      const response = await call(`/subscriptions/${encodeURIComponent(id)}/report`, {
        method: 'POST',
        body: JSON.stringify(outcome),
      })
      // 404: unsubscribed meanwhile; nothing to tell.
      if (!response.ok && response.status !== 404) {
        throw new Error(`subscription report: the auth API answered ${response.status}`)
      }
    },
  }
}
