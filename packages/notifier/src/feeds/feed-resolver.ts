// What a feed secret shows, from the auth API's internal route
// (POST /auth/internal/feeds/resolve), which checks membership on every call.

export interface ResolvedFeed {
  id: string
  userId: string
  busyOnly: boolean
  calendars: Array<{ id: string; name: string; timeZone: string; doc: string }>
}

export type FeedResolver = (secret: string) => Promise<ResolvedFeed | null>

export function createHttpFeedResolver(options: {
  authUrl: string
  secret: string
  fetch?: typeof fetch
}): FeedResolver {
  const send = options.fetch ?? fetch
  return async (secret) => {
    const response = await send(`${options.authUrl}/auth/internal/feeds/resolve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ secret }),
      signal: AbortSignal.timeout(10_000),
    })
    if (response.status === 404) return null
    if (!response.ok) throw new Error(`feed resolve: the auth API answered ${response.status}`)
    return ((await response.json()) as { feed: ResolvedFeed }).feed
  }
}
