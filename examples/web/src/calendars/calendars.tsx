// The user's calendars (with their role in each), from the auth API, kept in
// localStorage so the app shows them offline; refreshed when the app opens,
// regains focus or the network, and after anything that changes membership.
import { ApiError, type Calendar, type PlansyncClient } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react'
import { useSession, useUser } from '../session/session.tsx'

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
  const key = `plansync.calendars.${user.id}`
  const [calendars, setCalendars] = useState<Calendar[] | null>(() => readKept(key))
  const [error, setError] = useState<unknown>(null)

  const refresh = useCallback(async () => {
    try {
      const fresh = await fetchCalendars(client)
      localStorage.setItem(key, JSON.stringify(fresh))
      setCalendars(fresh)
      setError(null)
    } catch (caught) {
      // The server ended the session: sign in again (local replicas stay).
      if (caught instanceof ApiError && caught.status === 401) return expire()
      setError(caught)
      setCalendars((kept) => kept ?? [])
    }
  }, [client, key, expire])

  // The server refused a doc (removed from a calendar, say): the list changed.
  useEffect(
    () =>
      client.onStatus((status) => {
        if (status.state === 'needs-auth') void refresh()
      }),
    [client, refresh],
  )

  useEffect(() => {
    void refresh()
    const onBack = () => void refresh()
    window.addEventListener('online', onBack)
    window.addEventListener('focus', onBack)
    const timer = setInterval(onBack, 60_000)
    return () => {
      window.removeEventListener('online', onBack)
      window.removeEventListener('focus', onBack)
      clearInterval(timer)
    }
  }, [refresh])

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

function readKept(key: string): Calendar[] | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? 'null')
    return Array.isArray(value) ? (value as Calendar[]) : null
  } catch {
    return null
  }
}
