// A typed client of the auth API (`/auth/...`) with a bearer session. Every
// failure becomes an ApiError carrying the server's error code, so apps can
// show it in plain words.
import type { Role } from '@plansync/protocol'

export interface User {
  id: string
  username: string
  displayName: string
  email: string | null
}

export interface Calendar {
  id: string
  name: string
  colour: string
  timeZone: string
  role: Role
  doc: string
}

export interface Member {
  userId: string
  username: string
  displayName: string
  role: Role
}

export interface Invite {
  id: string
  calendarId: string
  calendarName: string
  role: 'editor' | 'viewer'
  /** The inviter's username. */
  invitedBy: string
  /** The invited account; all three are null for an invite by email. */
  inviteeUserId: string | null
  inviteeUsername: string | null
  inviteeDisplayName: string | null
  /** The address an invite by email went to (null for an invite to an account). */
  inviteeEmail: string | null
  expiresAt: number
  status: 'pending' | 'accepted' | 'declined' | 'revoked'
}

export interface Feed {
  id: string
  /** Null: every calendar of the user. */
  calendarId: string | null
  busyOnly: boolean
  createdAt: number
  rotatedAt: number | null
}

/** A feed link; `url` and `webcalUrl` carry the secret and are shown only here. */
export interface FeedLink {
  feed: Feed
  url: string
  webcalUrl: string
}

export interface CalendarSubscription {
  id: string
  calendarId: string
  url: string
  createdAt: number
  lastFetchedAt: number | null
  /** Why the last fetch or import failed, in plain words; null when it worked. */
  lastError: string | null
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: Record<string, string> | undefined
  /** For 429: how long the server asked to wait. */
  readonly retryAfterMs: number | undefined

  constructor(
    status: number,
    code: string,
    message: string,
    extra: { fields?: Record<string, string>; retryAfterMs?: number } = {},
  ) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = extra.fields
    this.retryAfterMs = extra.retryAfterMs
  }

  /** True when signing in again (or being invited again) is the only way forward. */
  get authDenied(): boolean {
    return this.status === 401 || this.status === 403
  }
}

const REQUEST_TIMEOUT_MS = 15_000

export interface AuthApiOptions {
  /** The app's base URL, e.g. `http://127.0.0.1:8080`. */
  url: string
  fetch?: typeof fetch
  getSession: () => string | null
}

export function createAuthApi(options: AuthApiOptions) {
  const send = options.fetch ?? ((input, init) => fetch(input, init))
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const session = options.getSession()
    const response = await send(`${options.url}/auth${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(session ? { authorization: `Bearer ${session}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      // A request that hangs must not hold a reconnect forever.
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
    const text = await response.text()
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {}
    if (!response.ok) {
      const error = (json.error ?? {}) as {
        code?: string
        message?: string
        fields?: Record<string, string>
      }
      const retryAfter = Number(response.headers.get('retry-after'))
      throw new ApiError(
        response.status,
        error.code ?? 'unknown',
        error.message ?? response.statusText,
        {
          fields: error.fields,
          retryAfterMs:
            Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
        },
      )
    }
    return json as T
  }
  return {
    register: (input: {
      username: string
      password: string
      displayName?: string
      email?: string
    }) =>
      call<{ user: User; token: string; expiresAt: number }>('POST', '/register', {
        ...input,
        session: 'bearer',
      }),
    login: (input: { username: string; password: string }) =>
      call<{ user: User; token: string; expiresAt: number }>('POST', '/login', {
        ...input,
        session: 'bearer',
      }),
    logout: () => call<void>('POST', '/logout'),
    me: () => call<{ user: User }>('GET', '/me'),
    /**
     * Changes the display name or email (`email: null` removes it). `client.user`
     * keeps the old values until `client.restoreUser()`.
     */
    updateProfile: (patch: { displayName?: string; email?: string | null }) =>
      call<{ user: User }>('PATCH', '/me', patch),
    /**
     * Changes the password. This session stays; every other session of the
     * user ends and their open docs go to `needs-auth`.
     */
    changePassword: (input: { currentPassword: string; newPassword: string }) =>
      call<void>('POST', '/password', input),
    listCalendars: () => call<{ calendars: Calendar[] }>('GET', '/calendars'),
    createCalendar: (input: { name: string; colour?: string; timeZone?: string }) =>
      call<{ calendar: Calendar }>('POST', '/calendars', input),
    getCalendar: (calendarId: string) =>
      call<{ calendar: Calendar }>('GET', `/calendars/${encodeURIComponent(calendarId)}`),
    /** Owners and editors rename, recolour or move a calendar to another default zone. */
    updateCalendar: (
      calendarId: string,
      patch: { name?: string; colour?: string; timeZone?: string },
    ) =>
      call<{ calendar: Calendar }>('PATCH', `/calendars/${encodeURIComponent(calendarId)}`, patch),
    /** Owners only: removes the calendar, its members, invites and events for everyone. */
    deleteCalendar: (calendarId: string) =>
      call<void>('DELETE', `/calendars/${encodeURIComponent(calendarId)}`),
    listMembers: (calendarId: string) =>
      call<{ members: Member[] }>('GET', `/calendars/${encodeURIComponent(calendarId)}/members`),
    /** Owners only; the change reaches the member's open docs at once. */
    changeRole: (calendarId: string, userId: string, role: Role) =>
      call<void>(
        'PATCH',
        `/calendars/${encodeURIComponent(calendarId)}/members/${encodeURIComponent(userId)}`,
        { role },
      ),
    transferOwnership: (calendarId: string, userId: string) =>
      call<void>('POST', `/calendars/${encodeURIComponent(calendarId)}/transfer`, { userId }),
    listInvites: (calendarId: string) =>
      call<{ invites: Invite[] }>('GET', `/calendars/${encodeURIComponent(calendarId)}/invites`),
    revokeInvite: (calendarId: string, inviteId: string) =>
      call<void>(
        'DELETE',
        `/calendars/${encodeURIComponent(calendarId)}/invites/${encodeURIComponent(inviteId)}`,
      ),
    /** Invites addressed to the signed-in user. */
    myInvites: () => call<{ invites: Invite[] }>('GET', '/invites'),
    /** What an invite link offers, before answering it. */
    viewInvite: (secret: string) =>
      call<{ invite: Invite }>('GET', `/invites/${encodeURIComponent(secret)}`),
    declineInvite: (secret: string) =>
      call<void>('POST', `/invites/${encodeURIComponent(secret)}/decline`),
    /**
     * Registers an event of a calendar so its planning doc (`event:<id>`)
     * opens for the calendar's members: pass the id `createEvent` returned
     * (safe to repeat). Without an id, the server picks one.
     */
    createEventRecord: (calendarId: string, eventId?: string) =>
      call<{ id: string; doc: string }>(
        'POST',
        `/calendars/${encodeURIComponent(calendarId)}/events`,
        eventId === undefined ? undefined : { id: eventId },
      ),
    /**
     * Invites a user (by username) or an address (by email) with a role;
     * answers with the invite and its link, which the inviter sees only here
     * (an invited user also finds it in their inbox).
     */
    invite: (
      calendarId: string,
      input: { username?: string; email?: string; role: 'editor' | 'viewer' },
    ) =>
      call<{ invite: Invite; link: string }>(
        'POST',
        `/calendars/${encodeURIComponent(calendarId)}/invites`,
        input,
      ),
    acceptInvite: (secret: string) =>
      call<void>('POST', `/invites/${encodeURIComponent(secret)}/accept`),
    listEventRecords: (calendarId: string) =>
      call<{ events: Array<{ id: string; doc: string }> }>(
        'GET',
        `/calendars/${encodeURIComponent(calendarId)}/events`,
      ),
    /** Removes an event's planning space; its open docs are closed for everyone. */
    deleteEventRecord: (calendarId: string, eventId: string) =>
      call<void>(
        'DELETE',
        `/calendars/${encodeURIComponent(calendarId)}/events/${encodeURIComponent(eventId)}`,
      ),
    /** An iCal feed URL for Google, Apple or Outlook: one calendar or all, full or busy times only. */
    createFeed: (input: { calendarId?: string; busyOnly?: boolean } = {}) =>
      call<FeedLink>('POST', '/feeds', input),
    listFeeds: () => call<{ feeds: Feed[] }>('GET', '/feeds'),
    /** A new secret URL; subscribers of the old one stop getting updates. */
    rotateFeed: (feedId: string) =>
      call<FeedLink>('POST', `/feeds/${encodeURIComponent(feedId)}/rotate`),
    deleteFeed: (feedId: string) => call<void>('DELETE', `/feeds/${encodeURIComponent(feedId)}`),
    /** Keeps the calendar in step with an external ICS URL (http, https or webcal); editors. */
    subscribe: (calendarId: string, url: string) =>
      call<{ subscription: CalendarSubscription }>(
        'POST',
        `/calendars/${encodeURIComponent(calendarId)}/subscriptions`,
        { url },
      ),
    listSubscriptions: (calendarId: string) =>
      call<{ subscriptions: CalendarSubscription[] }>(
        'GET',
        `/calendars/${encodeURIComponent(calendarId)}/subscriptions`,
      ),
    unsubscribe: (calendarId: string, subscriptionId: string) =>
      call<void>(
        'DELETE',
        `/calendars/${encodeURIComponent(calendarId)}/subscriptions/${encodeURIComponent(subscriptionId)}`,
      ),
    /** Sets where this user's webhook notifications go; the signing secret is in this answer only. */
    setWebhook: (url: string) =>
      call<{ webhook: { url: string; secret: string } }>('PUT', '/me/webhook', { url }),
    getWebhook: () =>
      call<{ webhook: { url: string; createdAt: number } | null }>('GET', '/me/webhook'),
    deleteWebhook: () => call<void>('DELETE', '/me/webhook'),
    removeMember: (calendarId: string, userId: string) =>
      call<void>(
        'DELETE',
        `/calendars/${encodeURIComponent(calendarId)}/members/${encodeURIComponent(userId)}`,
      ),
    /** A sync token for one doc; `expiresAt` is its `exp`, in seconds since the epoch. */
    syncToken: (doc: string) =>
      call<{ token: string; expiresAt: number; role: Role }>('POST', '/sync-tokens', { doc }),
  }
}

export type AuthApi = ReturnType<typeof createAuthApi>
