// Who a calendar's notifications go to: its members with contact details,
// from the auth API's internal route (GET /auth/internal/calendars/{id}/recipients).
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
  /** Every calendar's id (for a full re-plan). */
  calendarIds(): Promise<string[]>
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
  return {
    async recipientsOf(calendarId) {
      const response = await get(`/calendars/${encodeURIComponent(calendarId)}/recipients`)
      if (response.status === 404) return null
      if (!response.ok) {
        throw new Error(`recipients of ${calendarId}: the auth API answered ${response.status}`)
      }
      return (await response.json()) as CalendarRecipients
    },
    async calendarIds() {
      const response = await get('/calendars')
      if (!response.ok) throw new Error(`calendar list: the auth API answered ${response.status}`)
      const body = (await response.json()) as { calendars: Array<{ id: string }> }
      return body.calendars.map((calendar) => calendar.id)
    },
  }
}
