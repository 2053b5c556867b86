// The event's collaborative notes: CodeMirror 6 bound to the doc's Y.Text
// with y-codemirror.next, showing other people's cursors (from awareness)
// and keeping its own undo history of this user's typing (Mod-Z in the
// editor). Typing sets this user's presence activity; viewers read only.

import { defaultKeymap } from '@codemirror/commands'
import { Compartment, EditorState, Transaction } from '@codemirror/state'
import { EditorView, keymap, placeholder } from '@codemirror/view'
import type { EventHandle } from '@plansync/client-sdk'
import { useEffect, useRef } from 'react'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import { createTypingActivity } from './typing-activity.ts'

export function NotesEditor(props: {
  handle: EventHandle
  readOnly: boolean
  describedBy?: string
}) {
  const { handle, readOnly, describedBy } = props
  const parent = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const access = useRef(new Compartment())
  const readOnlyNow = useRef(readOnly)

  // Before the editor is made, so a new editor starts with the current access.
  useEffect(() => {
    readOnlyNow.current = readOnly
    view.current?.dispatch({ effects: access.current.reconfigure(accessExtensions(readOnly)) })
  }, [readOnly])

  useEffect(() => {
    const host = parent.current
    if (!host) return
    const typing = createTypingActivity(handle.presence)
    const editor = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: handle.notes.toString(),
        extensions: [
          // yCollab brings its own Y.UndoManager over the notes: Mod-Z here
          // undoes this user's typing only, apart from the page's undo.
          keymap.of([...yUndoManagerKeymap, ...defaultKeymap]),
          yCollab(handle.notes, handle.presence.awareness),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({
            'aria-label': 'Notes',
            ...(describedBy ? { 'aria-describedby': describedBy } : {}),
            spellcheck: 'true',
            autocorrect: 'on',
            autocapitalize: 'sentences',
          }),
          access.current.of(accessExtensions(readOnlyNow.current)),
          EditorView.updateListener.of((update) => {
            const typed = update.transactions.some(
              (tr) => tr.docChanged && tr.annotation(Transaction.userEvent) !== undefined,
            )
            if (typed && update.view.hasFocus) typing.typed()
            if (update.focusChanged && !update.view.hasFocus) typing.stop()
          }),
        ],
      }),
    })
    view.current = editor
    return () => {
      typing.stop()
      editor.destroy()
      view.current = null
    }
  }, [handle, describedBy])

  return <div ref={parent} className="notes-editor" />
}

function accessExtensions(readOnly: boolean) {
  return [
    EditorState.readOnly.of(readOnly),
    EditorView.editable.of(!readOnly),
    // Read-only content is not editable, so not focusable: keep it reachable by keyboard.
    readOnly ? EditorView.contentAttributes.of({ tabindex: '0' }) : [],
    placeholder(readOnly ? 'No notes yet.' : 'Plan together: ideas, what to bring, who drives…'),
  ]
}
