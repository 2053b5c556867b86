// Undo and redo of this user's own changes (never other people's), as
// buttons and as Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z (or Ctrl+Y) outside text
// fields, whose own undo belongs to them (the notes editor keeps its history).
import type { LiveHandle } from '@plansync/client-sdk'
import { useCallback, useEffect, useSyncExternalStore } from 'react'
import { ErrorText } from './error-text.tsx'
import { useWrite, type Write } from './use-write.ts'

/** What the buttons act on: one doc's history, or several docs' (the planner's calendars). */
export interface UndoTarget {
  undo(): void
  redo(): void
  canUndo(): boolean
  canRedo(): boolean
  /** Calls `notify` when canUndo or canRedo may have changed; returns an unsubscribe. */
  subscribe(notify: () => void): () => void
}

const STACK_EVENTS = ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const

/** Calls `notify` when any of the handles' undo stacks changes. */
export function subscribeStacks(handles: readonly LiveHandle[], notify: () => void): () => void {
  for (const handle of handles) for (const name of STACK_EVENTS) handle.undoManager.on(name, notify)
  return () => {
    for (const handle of handles) {
      for (const name of STACK_EVENTS) handle.undoManager.off(name, notify)
    }
  }
}

/** One doc's own history. */
export function undoTargetOf(handle: LiveHandle): UndoTarget {
  return {
    undo: () => handle.undo(),
    redo: () => handle.redo(),
    canUndo: () => handle.undoManager.undoStack.length > 0,
    canRedo: () => handle.undoManager.redoStack.length > 0,
    subscribe: (notify) => subscribeStacks([handle], notify),
  }
}

function useUndoState(target: UndoTarget): { canUndo: boolean; canRedo: boolean } {
  const subscribe = useCallback((notify: () => void) => target.subscribe(notify), [target])
  const snapshot = () => `${target.canUndo()}/${target.canRedo()}`
  const [canUndo, canRedo] = useSyncExternalStore(subscribe, snapshot, snapshot).split('/')
  return { canUndo: canUndo === 'true', canRedo: canRedo === 'true' }
}

const NOT_TEXT = new Set([
  'checkbox',
  'radio',
  'button',
  'submit',
  'reset',
  'range',
  'color',
  'file',
])

/** Where the browser's (or the editor's) own undo belongs. */
function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true
  if (target instanceof HTMLSelectElement) return true
  return target instanceof HTMLInputElement && !NOT_TEXT.has(target.type)
}

function useUndoShortcuts(target: UndoTarget, enabled: boolean, write: Write): void {
  useEffect(() => {
    if (!enabled) return
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.defaultPrevented) return
      if (isTextEntry(event.target)) return
      const key = event.key.toLowerCase()
      const redo = (key === 'z' && event.shiftKey) || (key === 'y' && !event.shiftKey)
      if (key !== 'z' && !redo) return
      event.preventDefault()
      write.run(() => (redo ? target.redo() : target.undo()))
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [target, enabled, write.run])
}

export function UndoRedo(props: { target: UndoTarget; readOnly?: boolean }) {
  const { target, readOnly = false } = props
  const { canUndo, canRedo } = useUndoState(target)
  // Undo refuses (SchemaError) once a newer app version took the doc over.
  const write = useWrite()
  useUndoShortcuts(target, !readOnly, write)
  if (readOnly) return null
  // aria-disabled rather than disabled: the button keeps focus when its stack runs out.
  return (
    <fieldset className="button-row undo-redo">
      <legend className="visually-hidden">Your changes</legend>
      <button
        type="button"
        aria-disabled={!canUndo}
        aria-keyshortcuts="Control+Z Meta+Z"
        title="Undo your last change (Ctrl+Z)"
        onClick={() => canUndo && write.run(() => target.undo())}
      >
        <span aria-hidden="true">↶</span> Undo
      </button>
      <button
        type="button"
        aria-disabled={!canRedo}
        aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y"
        title="Redo (Ctrl+Shift+Z)"
        onClick={() => canRedo && write.run(() => target.redo())}
      >
        <span aria-hidden="true">↷</span> Redo
      </button>
      <ErrorText error={write.error} />
    </fieldset>
  )
}
