// The invites the notifier still has to tell their invitee about, and the
// acknowledgement that it has scheduled them: the auth API's internal
// outbox routes (GET /auth/internal/invite-notices, POST .../ack).

export interface InviteNotice {
  inviteId: string
  calendarId: string
  calendarName: string
  role: 'editor' | 'viewer'
  /** The invite's state now: only a pending one is worth telling. */
  status: 'pending' | 'accepted' | 'declined' | 'revoked'
  createdAt: number
  expiresAt: number
  /** The invite link, with its secret. */
  link: string
  /** Null when the inviter's account is gone. */
  inviter: { userId: string; username: string; displayName: string } | null
  invitee: { userId: string; username: string; displayName: string; email: string | null }
}

export interface InviteNoticeSource {
  /** Oldest first, at most `limit`. */
  list(limit: number): Promise<InviteNotice[]>
  /** Done with these: they are not listed again. */
  ack(inviteIds: readonly string[]): Promise<void>
}

export function createHttpInviteNoticeSource(options: {
  authUrl: string
  secret: string
  fetch?: typeof fetch
}): InviteNoticeSource {
  const send = options.fetch ?? fetch
  const call = (path: string, init: RequestInit = {}) =>
    send(`${options.authUrl}/auth/internal/invite-notices${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${options.secret}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      signal: AbortSignal.timeout(10_000),
    })
  return {
    async list(limit) {
      const response = await call(`?limit=${limit}`)
      if (!response.ok) throw new Error(`invite notices: the auth API answered ${response.status}`)
      return ((await response.json()) as { notices: InviteNotice[] }).notices
    },
    async ack(inviteIds) {
      if (inviteIds.length === 0) return
      const response = await call('/ack', {
        method: 'POST',
        body: JSON.stringify({ inviteIds }),
      })
      if (!response.ok) {
        throw new Error(`invite notice ack: the auth API answered ${response.status}`)
      }
    },
  }
}
