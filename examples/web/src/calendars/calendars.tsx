// The user's calendars (with their role in each), from the auth API, kept in
// localStorage so the app shows them offline; refreshed when the app opens,
// regains focus or the network, and after anything that changes membership.
import { ApiError, type Calendar, type PlansyncClient } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo } from 'react'
import { useSession, useUser } from '../session/session.tsx'
import { useKeptList } from '../ui/use-kept-list.ts'

export interface Calendars {
  calendars: Calendar[]
  /** True until the first answer (or the kept list) is there. */
  loading: boolean
  /** Why the last refresh failed (offline, say); the kept list is still shown. */
  error: unknown
  refresh(): Promise<void>
  byId(id: string): Calendar | undefined
}

const CalendarsContext = createContext<Calendars | null>(null)

export function CalendarsProvider(props: { children: ReactNode }) {
  const client = usePlansyncClient()
  const user = useUser()
  const { expire } = useSession()
  const load = useCallback(() => fetchCalendars(client), [client])
  const onError = useCallback(
    (error: unknown) => {
      // The server ended the session: sign in again (local replicas stay).
      if (!(error instanceof ApiError) || error.status !== 401) return false
      expire()
      return true
    },
    [expire],
  )
  const {
    list: calendars,
    error,
    refresh,
  } = useKeptList(`plansync.calendars.${user.id}`, load, {
    isItem: isCalendar,
    onError,
    everyMs: 60_000,
  })

  // The server refused a doc (removed from a calendar, say): the list changed.
  useEffect(
    () =>
      client.onStatus((status) => {
        if (status.state === 'needs-auth') void refresh()
      }),
    [client, refresh],
  )

  const value = useMemo<Calendars>(() => {
    const list = calendars ?? []
    return {
      calendars: list,
      loading: calendars === null,
      error,
      refresh,
      byId: (id) => list.find((calendar) => calendar.id === id),
    }
  }, [calendars, error, refresh])
  return <CalendarsContext.Provider value={value}>{props.children}</CalendarsContext.Provider>
}

export function useCalendars(): Calendars {
  const calendars = useContext(CalendarsContext)
  if (!calendars) throw new Error('useCalendars outside CalendarsProvider')
  return calendars
}

async function fetchCalendars(client: PlansyncClient): Promise<Calendar[]> {
  const { calendars } = await client.api.listCalendars()
  return [...calendars].sort((a, b) => a.name.localeCompare(b.name))
}

function isCalendar(value: unknown): value is Calendar {
  const calendar = value as Partial<Calendar> | null
  return typeof calendar?.id === 'string' && typeof calendar.name === 'string'
}
