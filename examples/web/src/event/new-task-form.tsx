// Adds a task: a title, and if wanted who does it and by when.
import type { EventHandle } from '@plansync/client-sdk'
import { type FormEvent, useId, useRef, useState } from 'react'
import { ErrorText } from '../ui/error-text.tsx'
import { useWrite } from '../ui/use-write.ts'
import { AssigneeSelect } from './assignee-select.tsx'
import type { Members } from './use-members.ts'

export function NewTaskForm(props: { handle: EventHandle; members: Members }) {
  const id = useId()
  const [title, setTitle] = useState('')
  const [assignee, setAssignee] = useState<string | null>(null)
  const [due, setDue] = useState('')
  const titleInput = useRef<HTMLInputElement>(null)
  const write = useWrite()

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = title.trim()
    if (!trimmed) return write.fail('Give the task a title.')
    const added = write.run(() => {
      props.handle.addTask({ title: trimmed, assignee, due: due || null })
    })
    if (!added) return
    setTitle('')
    setAssignee(null)
    setDue('')
    titleInput.current?.focus()
  }

  return (
    <form className="add-form" onSubmit={submit} aria-label="Add a task">
      <div className="row">
        <label className="grow">
          New task
          <input
            ref={titleInput}
            name="taskTitle"
            maxLength={500}
            placeholder="Buy charcoal, book the pitch…"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
        </label>
        <label htmlFor={`${id}-assignee`}>
          Assign to
          <AssigneeSelect
            id={`${id}-assignee`}
            name="taskAssignee"
            value={assignee}
            members={props.members}
            onChange={setAssignee}
          />
        </label>
        <label>
          Due date <span className="muted">(optional)</span>
          <input name="taskDue" type="date" value={due} onChange={(e) => setDue(e.target.value)} />
        </label>
      </div>
      <div className="button-row">
        <button type="submit">Add task</button>
      </div>
      <ErrorText error={write.error} />
    </form>
  )
}
