// Opening handles from components: a handle is opened when the component
// mounts (or the id changes) and closed when it unmounts, so nothing leaks;
// under StrictMode's mount-unmount-mount each mount opens its own handle and
// the client shares the doc underneath. Null while opening; errors (a
// network refusal while signed out, say) are returned, not thrown.
import { useEffect, useState } from 'react'
import type { CalendarHandle } from '../calendar-handle.ts'
import type { EventHandle } from '../event-handle.ts'
import type { InboxHandle } from '../inbox-handle.ts'
import type { LiveHandle } from '../live-handle.ts'
import type { PrefsHandle } from '../prefs-handle.ts'
import { usePlansyncClient } from './provider.ts'

export interface Opened<H> {
  handle: H | null
  error: Error | null
}

function useOpened<H extends LiveHandle>(open: (() => Promise<H>) | null, key: string): Opened<H> {
  const [state, setState] = useState<Opened<H> & { key: string }>({
    handle: null,
    error: null,
    key,
  })
  // `open` is made anew on every render; `key` says when it really changed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on `key` on purpose
  useEffect(() => {
    if (!open) return
    let cancelled = false
    let opened: H | null = null
    open().then(
      (handle) => {
        if (cancelled) {
          void handle.close()
          return
        }
        opened = handle
        setState({ handle, error: null, key })
      },
      (error: unknown) => {
        if (!cancelled) {
          setState({
            handle: null,
            error: error instanceof Error ? error : new Error(String(error)),
            key,
          })
        }
      },
    )
    return () => {
      cancelled = true
      if (opened) void opened.close()
    }
  }, [key])
  // A handle for an old id is never shown while the new one opens.
  return state.key === key
    ? { handle: state.handle, error: state.error }
    : { handle: null, error: null }
}

export function useCalendar(id: string | null): Opened<CalendarHandle> {
  const client = usePlansyncClient()
  return useOpened(id === null ? null : () => client.openCalendar(id), `calendar:${id}`)
}

export function useEvent(id: string | null): Opened<EventHandle> {
  const client = usePlansyncClient()
  return useOpened(id === null ? null : () => client.openEvent(id), `event:${id}`)
}

export function usePrefs(): Opened<PrefsHandle> {
  const client = usePlansyncClient()
  return useOpened(() => client.openPrefs(), 'prefs')
}

export function useInbox(): Opened<InboxHandle> {
  const client = usePlansyncClient()
  return useOpened(() => client.openInbox(), 'inbox')
}
