// Undo and redo across the open calendars: the SDK undoes only this user's
// own changes per doc, so the planner undoes in the calendar edited most
// recently. Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z (or Ctrl+Y) work outside text fields.
import type { CalendarHandle } from '@plansync/client-sdk'
import { useCallback, useEffect, useRef } from 'react'

/** Read on every render: the planner re-renders on every change of its calendars. */
export function useUndo(handles: ReadonlyMap<string, CalendarHandle>) {
  /** Calendar ids, the most recently edited here last. */
  const recent = useRef<string[]>([])

  useEffect(() => {
    const offs = [...handles].map(([id, handle]) => {
      const onChange = (origin: 'local' | 'remote') => {
        if (origin !== 'local') return
        recent.current = [...recent.current.filter((other) => other !== id), id]
      }
      handle.on('change', onChange)
      return () => handle.off('change', onChange)
    })
    return () => {
      for (const off of offs) off()
    }
  }, [handles])

  const pick = useCallback(
    (stack: 'undoStack' | 'redoStack') => {
      for (const id of [...recent.current].reverse()) {
        const handle = handles.get(id)
        if (handle && handle.undoManager[stack].length > 0) return handle
      }
      return undefined
    },
    [handles],
  )
  const undo = useCallback(() => pick('undoStack')?.undo(), [pick])
  const redo = useCallback(() => pick('redoStack')?.redo(), [pick])

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || isTextField(event.target)) return
      const key = event.key.toLowerCase()
      if (key === 'z' && !event.shiftKey) undo()
      else if ((key === 'z' && event.shiftKey) || key === 'y') redo()
      else return
      event.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [undo, redo])

  return {
    undo,
    redo,
    canUndo: pick('undoStack') !== undefined,
    canRedo: pick('redoStack') !== undefined,
  }
}

function isTextField(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  )
}
