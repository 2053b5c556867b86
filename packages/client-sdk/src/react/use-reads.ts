// Typed reads of open handles that re-render on change: occurrences in a
// range, the sync status, tasks and participants, inbox entries, presence.
import type { EventSummary, InboxEntry, Occurrence, Participant, Task } from '@plansync/schema'
import { useCallback, useRef, useSyncExternalStore } from 'react'
import type { CalendarHandle } from '../calendar-handle.ts'
import type { EventHandle } from '../event-handle.ts'
import type { InboxHandle } from '../inbox-handle.ts'
import type { LiveHandle } from '../live-handle.ts'
import type { Peer } from '../presence.ts'
import type { SyncStatus } from '../sync/status.ts'
import { useLive } from './use-live.ts'

const NONE: never[] = []

/** Occurrences overlapping [from, to), recurring events expanded in their zones. */
export function useOccurrences(
  calendar: CalendarHandle | null,
  from: Date,
  to: Date,
): Occurrence[] {
  return (
    useLive(calendar, (c) => c.occurrences(from, to), `${from.getTime()}-${to.getTime()}`) ?? NONE
  )
}

export function useEvents(calendar: CalendarHandle | null): EventSummary[] {
  return useLive(calendar, (c) => c.events()) ?? NONE
}

/** The doc's sync status: state, pending updates and the last server confirmation. */
export function useSyncStatus(handle: LiveHandle | null): SyncStatus | undefined {
  return useLive(handle, (h) => ({ ...h.status }))
}

export function useTasks(event: EventHandle | null): Task[] {
  return useLive(event, (e) => e.tasks()) ?? NONE
}

export function useParticipants(event: EventHandle | null): Participant[] {
  return useLive(event, (e) => e.participants()) ?? NONE
}

export function useInboxEntries(inbox: InboxHandle | null): InboxEntry[] {
  return useLive(inbox, (i) => i.entries()) ?? NONE
}

/** Who else is in the doc and what they are doing; identity stamped by the server. */
export function usePresence(handle: LiveHandle | null): Peer[] {
  const cache = useRef<{ handle: LiveHandle | null; peers: Peer[] } | null>(null)
  const subscribe = useCallback(
    (notify: () => void) => {
      if (!handle) return () => {}
      return handle.presence.onChange(() => {
        cache.current = null
        notify()
      })
    },
    [handle],
  )
  const snapshot = (): Peer[] => {
    if (!handle) return NONE
    if (cache.current?.handle !== handle) cache.current = { handle, peers: handle.presence.peers() }
    return cache.current.peers
  }
  return useSyncExternalStore(subscribe, snapshot, snapshot)
}
