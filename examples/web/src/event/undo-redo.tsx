// Undo and redo of this user's own changes to the event (tasks, answers,
// agenda, comments; never other people's), as buttons and as Ctrl/Cmd+Z and
// Ctrl/Cmd+Shift+Z (or Ctrl+Y) outside text fields. The notes editor keeps
// its own history, so the same keys there undo typing.
import type { EventHandle } from '@plansync/client-sdk'
import { useCallback, useEffect, useSyncExternalStore } from 'react'
import { ErrorText } from '../ui/error-text.tsx'
import { useWrite, type Write } from './use-write.ts'

const STACK_EVENTS = ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const

function useUndoState(handle: EventHandle): { canUndo: boolean; canRedo: boolean } {
  const subscribe = useCallback(
    (notify: () => void) => {
      const manager = handle.undoManager
      for (const name of STACK_EVENTS) manager.on(name, notify)
      return () => {
        for (const name of STACK_EVENTS) manager.off(name, notify)
      }
    },
    [handle],
  )
  const snapshot = () =>
    `${handle.undoManager.undoStack.length > 0}/${handle.undoManager.redoStack.length > 0}`
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

function useUndoShortcuts(handle: EventHandle, enabled: boolean, write: Write): void {
  useEffect(() => {
    if (!enabled) return
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.defaultPrevented) return
      if (isTextEntry(event.target)) return
      const key = event.key.toLowerCase()
      const redo = (key === 'z' && event.shiftKey) || (key === 'y' && !event.shiftKey)
      if (key !== 'z' && !redo) return
      event.preventDefault()
      write.run(() => (redo ? handle.redo() : handle.undo()))
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [handle, enabled, write.run])
}

export function UndoRedo(props: { handle: EventHandle; readOnly: boolean }) {
  const { handle, readOnly } = props
  const { canUndo, canRedo } = useUndoState(handle)
  // Undo refuses (SchemaError) once a newer app version took the doc over.
  const write = useWrite()
  useUndoShortcuts(handle, !readOnly, write)
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
        onClick={() => canUndo && write.run(() => handle.undo())}
      >
        <span aria-hidden="true">↶</span> Undo
      </button>
      <button
        type="button"
        aria-disabled={!canRedo}
        aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y"
        title="Redo (Ctrl+Shift+Z)"
        onClick={() => canRedo && write.run(() => handle.redo())}
      >
        <span aria-hidden="true">↷</span> Redo
      </button>
      <ErrorText error={write.error} />
    </fieldset>
  )
}
