// /events/<id>: the links in notifications name only the event. Find its
// calendar among the user's (local replicas first, so it works offline) and
// go to its planning space.
import type { CalendarHandle, SyncStatus } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { useEffect, useState } from 'react'
import { Link, Navigate, useParams } from 'react-router'
import { useCalendars } from '../calendars/calendars.tsx'

function syncedOrTimeout(handle: CalendarHandle, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      handle.off('status', onStatus)
      resolve()
    }
    const onStatus = (status: SyncStatus) => {
      if (status.state === 'synced') done()
    }
    const timer = setTimeout(done, ms)
    handle.on('status', onStatus)
  })
}

export function EventLinkPage() {
  const { eventId = '' } = useParams()
  const client = usePlansyncClient()
  const { calendars, loading } = useCalendars()
  const [found, setFound] = useState<string | null | undefined>(undefined)

  useEffect(() => {
    if (loading) return
    let live = true
    void (async () => {
      for (const calendar of calendars) {
        const handle = await client.openCalendar(calendar.id)
        const holds = () => handle.events().some((event) => event.id === eventId)
        // A replica this device never synced is empty: give the server a moment.
        if (!holds() && handle.status.state !== 'synced') await syncedOrTimeout(handle, 5_000)
        const has = holds()
        await handle.close()
        if (has) return live && setFound(calendar.id)
      }
      if (live) setFound(null)
    })()
    return () => {
      live = false
    }
  }, [client, calendars, loading, eventId])

  if (found) return <Navigate to={`/calendars/${found}/events/${eventId}`} replace />
  return (
    <section className="page narrow">
      <h1>Event</h1>
      {found === null ? (
        <p>
          This event is not in any of your calendars (it may have been deleted, or you left its
          calendar). <Link to="/">Back to your calendars</Link>
        </p>
      ) : (
        <p role="status">Finding the event…</p>
      )}
    </section>
  )
}
