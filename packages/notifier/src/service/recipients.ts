// Who a calendar's notifications go to: its members with contact details,
// from the auth API's internal routes (GET /auth/internal/calendars/{id}/recipients,
// and /events/{id}/recipients for the calendar an event belongs to).
// Embedded, `fetch` goes to the auth app in the same process.

export interface CalendarRecipients {
  calendar: { id: string; name: string; timeZone: string }
  members: Array<{
    userId: string
    username: string
    displayName: string
    email: string | null
    role: 'owner' | 'editor' | 'viewer'
  }>
}

export interface RecipientDirectory {
  /** Null when the calendar no longer exists (its reminders are then cancelled). */
  recipientsOf(calendarId: string): Promise<CalendarRecipients | null>
  /** The recipients of the calendar an event belongs to; null when the event is not registered. */
  recipientsOfEvent(eventId: string): Promise<CalendarRecipients | null>
  /** Every calendar's id (for a full re-plan). */
  calendarIds(): Promise<string[]>
  /** Every registered event's id (to compare every event doc after a restart). */
  eventIds(): Promise<string[]>
}

export function createHttpRecipientDirectory(options: {
  /** The auth API's base URL, without /auth. */
  authUrl: string
  secret: string
  fetch?: typeof fetch
  timeoutMs?: number
}): RecipientDirectory {
  const send = options.fetch ?? fetch
  const get = (path: string) =>
    send(`${options.authUrl}/auth/internal${path}`, {
      headers: { authorization: `Bearer ${options.secret}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    })
  const recipients = async (path: string, what: string) => {
    const response = await get(path)
    if (response.status === 404) return null
    if (!response.ok) {
      throw new Error(`recipients of ${what}: the auth API answered ${response.status}`)
    }
    return (await response.json()) as CalendarRecipients
  }
  const list = async (path: string, what: string) => {
    const response = await get(path)
    if (!response.ok) throw new Error(`${what} list: the auth API answered ${response.status}`)
    return (await response.json()) as Record<string, Array<{ id: string }>>
  }
  return {
    recipientsOf: (calendarId) =>
      recipients(`/calendars/${encodeURIComponent(calendarId)}/recipients`, calendarId),
    recipientsOfEvent: (eventId) =>
      recipients(`/events/${encodeURIComponent(eventId)}/recipients`, `event ${eventId}`),
    async calendarIds() {
      return ((await list('/calendars', 'calendar')).calendars ?? []).map((c) => c.id)
    },
    async eventIds() {
      return ((await list('/events', 'event')).events ?? []).map((e) => e.id)
    },
  }
}
