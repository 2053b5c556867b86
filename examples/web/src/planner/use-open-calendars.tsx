// Opens the calendars the planner shows (one live handle each, closed when
// they leave the list or the page) and re-renders on any change in them.
import type { CalendarHandle } from '@plansync/client-sdk'
import { useCalendar } from '@plansync/client-sdk/react'
import { useCallback, useEffect, useState } from 'react'

export interface OpenCalendars {
  handles: ReadonlyMap<string, CalendarHandle>
  /** Grows on every change in any open calendar: a dependency for derived reads. */
  version: number
  /** Renders the openers; put it anywhere in the tree. */
  openers: React.ReactNode
}

export function useOpenCalendars(ids: readonly string[]): OpenCalendars {
  const [handles, setHandles] = useState<ReadonlyMap<string, CalendarHandle>>(new Map())
  const [version, setVersion] = useState(0)
  const onHandle = useCallback((id: string, handle: CalendarHandle | null) => {
    setHandles((current) => {
      if (current.get(id) === (handle ?? undefined)) return current
      const next = new Map(current)
      if (handle) next.set(id, handle)
      else next.delete(id)
      return next
    })
  }, [])
  const onChange = useCallback(() => setVersion((v) => v + 1), [])
  const openers = ids.map((id) => (
    <CalendarOpener key={id} id={id} onHandle={onHandle} onChange={onChange} />
  ))
  return { handles, version, openers }
}

function CalendarOpener(props: {
  id: string
  onHandle: (id: string, handle: CalendarHandle | null) => void
  onChange: () => void
}) {
  const { id, onHandle, onChange } = props
  const { handle } = useCalendar(id)
  useEffect(() => {
    if (!handle) return
    onHandle(id, handle)
    handle.on('change', onChange)
    return () => {
      handle.off('change', onChange)
      onHandle(id, null)
    }
  }, [id, handle, onHandle, onChange])
  return null
}
