// The notes with the line that says who else is typing in them.
import type { EventHandle } from '@plansync/client-sdk'
import { useId } from 'react'
import type { PresentPerson } from '../presence/presence-avatars.tsx'
import { NotesEditor } from './notes-editor.tsx'
import { describeTyping } from './typing-activity.ts'

export function NotesSection(props: {
  handle: EventHandle
  readOnly: boolean
  people: readonly PresentPerson[]
}) {
  const id = useId()
  const typing = props.people
    .filter((person) => person.activities.some((activity) => activity.editing === 'notes'))
    .map((person) => person.name)
  return (
    <section className="card event-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Notes</h2>
      <NotesEditor handle={props.handle} readOnly={props.readOnly} describedBy={`${id}-typing`} />
      <p id={`${id}-typing`} className="typing-line" role="status">
        {describeTyping(typing)}
      </p>
    </section>
  )
}
