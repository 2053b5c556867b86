// Undo and redo across the open calendars: the SDK keeps each doc's history
// of this user's own changes, so the planner undoes in the calendar edited
// most recently that has something to undo (or redo).
import type { CalendarHandle } from '@plansync/client-sdk'
import { useEffect, useMemo, useRef } from 'react'
import { subscribeStacks, type UndoTarget } from '../ui/undo-redo.tsx'

export function usePlannerUndo(handles: ReadonlyMap<string, CalendarHandle>): UndoTarget {
  /** Calendar ids, the most recently edited here last. */
  const recent = useRef<string[]>([])

  useEffect(() => {
    const offs = [...handles].map(([id, handle]) => {
      const onChange = (origin: 'local' | 'remote') => {
        if (origin === 'local') recent.current = [...recent.current.filter((o) => o !== id), id]
      }
      handle.on('change', onChange)
      return () => handle.off('change', onChange)
    })
    return () => {
      for (const off of offs) off()
    }
  }, [handles])

  return useMemo(() => {
    const pick = (stack: 'undoStack' | 'redoStack') => {
      for (const id of [...recent.current].reverse()) {
        const handle = handles.get(id)
        if (handle && handle.undoManager[stack].length > 0) return handle
      }
      return undefined
    }
    return {
      undo: () => pick('undoStack')?.undo(),
      redo: () => pick('redoStack')?.redo(),
      canUndo: () => pick('undoStack') !== undefined,
      canRedo: () => pick('redoStack') !== undefined,
      subscribe: (notify) => subscribeStacks([...handles.values()], notify),
    }
  }, [handles])
}
