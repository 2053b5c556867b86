// Makes the event's planning space reachable. Its doc (`event:<id>`) is
// shared only once the event has a record at the auth API; the planner
// registers one right after creating the event, but that fails offline. So
// when the doc's sync is refused (needs-auth), or stays unconnected while the
// browser is online, an editor registers the event here (idempotent: an
// existing record answers 200, a 409 is ignored) and reconnects. A refusal
// after that means this user has no access, which the page says in words.
import type { EventHandle, PlansyncClient } from '@plansync/client-sdk'
import { ApiError } from '@plansync/client-sdk'
import { usePlansyncClient, useSyncStatus } from '@plansync/client-sdk/react'
import { useEffect, useRef, useState } from 'react'

export type AccessProblem =
  /** Refused even though the event is registered (removed from the calendar, say). */
  | 'no-access'
  /** A viewer, refused: not registered yet (no editor was online since), or no access. */
  | 'not-shared'

/** How long the doc may stay unconnected while online before registering anyway. */
const STUCK_MS = 8000

export function useEventAccess(input: {
  handle: EventHandle | null
  calendarId: string
  eventId: string
  /** The user may register events (an editor or owner of the calendar). */
  canRegister: boolean
  /** The calendar doc has the event: never register one that was deleted. */
  eventExists: boolean
  /** Called when access looks lost, to refresh what the app knows of memberships. */
  onRefused: () => void
}): AccessProblem | null {
  const { handle, calendarId, eventId, canRegister, eventExists, onRefused } = input
  const client = usePlansyncClient()
  const state = useSyncStatus(handle)?.state
  const [problem, setProblem] = useState<AccessProblem | null>(null)
  // 'idle' → 'asking' → 'done' once the record is known to exist (or cannot be made).
  const registration = useRef<'idle' | 'asking' | 'done'>('idle')
  const [attempt, setAttempt] = useState(0)

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs it when the network returns
  useEffect(() => {
    if (!handle || state === undefined) return
    if (state === 'synced' || state === 'syncing') {
      setProblem(null)
      return
    }
    const register = () => {
      if (registration.current !== 'idle') return
      if (!canRegister || !eventExists) return
      registration.current = 'asking'
      setProblem(null)
      void registerEvent(client, calendarId, eventId).then((outcome) => {
        if (outcome === 'offline') {
          registration.current = 'idle'
          return
        }
        registration.current = 'done'
        if (outcome === 'refused') onRefused()
        // The doc's next status (connecting, then synced or needs-auth) runs this again.
        client.retryNow()
      })
    }
    if (state === 'needs-auth') {
      if (registration.current === 'done' || !canRegister) {
        setProblem(canRegister ? 'no-access' : 'not-shared')
        onRefused()
      } else {
        register()
      }
      return
    }
    // offline or connecting: if the browser is online, the doc may be stuck.
    if (registration.current !== 'idle' || !navigator.onLine) return
    const timer = setTimeout(register, STUCK_MS)
    return () => clearTimeout(timer)
  }, [handle, state, canRegister, eventExists, client, calendarId, eventId, onRefused, attempt])

  // A registration that failed for want of a network tries again when it returns.
  useEffect(() => {
    const onOnline = () => setAttempt((n) => n + 1)
    window.addEventListener('online', onOnline)
    return () => window.removeEventListener('online', onOnline)
  }, [])

  return problem
}

async function registerEvent(
  client: PlansyncClient,
  calendarId: string,
  eventId: string,
): Promise<'ok' | 'refused' | 'offline'> {
  try {
    await client.api.createEventRecord(calendarId, eventId)
    return 'ok'
  } catch (error) {
    if (error instanceof ApiError) return error.status === 409 ? 'ok' : 'refused'
    return 'offline'
  }
}
