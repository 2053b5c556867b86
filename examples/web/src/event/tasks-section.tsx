// Tasks: in their shared order, done or not, assigned to a member of the
// calendar, with due dates; add, assign, reorder (move up / down), remove.
import type { EventHandle, Task } from '@plansync/client-sdk'
import { useTasks } from '@plansync/client-sdk/react'
import { useId, useLayoutEffect, useRef, useState } from 'react'
import { ErrorText } from '../ui/error-text.tsx'
import { useWrite } from '../ui/use-write.ts'
import { AssigneeSelect } from './assignee-select.tsx'
import { formatDue, today } from './event-time.ts'
import { NewTaskForm } from './new-task-form.tsx'
import type { Members } from './use-members.ts'

type Direction = 'up' | 'down'

export function TasksSection(props: { handle: EventHandle; readOnly: boolean; members: Members }) {
  const { handle, readOnly, members } = props
  const id = useId()
  const tasks = useTasks(handle)
  const write = useWrite()
  const list = useRef<HTMLUListElement>(null)
  const [moved, setMoved] = useState<{ taskId: string; direction: Direction } | null>(null)

  // Keep focus on the task that moved, even when its button just became disabled.
  useLayoutEffect(() => {
    if (!moved || !list.current) return
    const button = (direction: Direction) =>
      list.current?.querySelector<HTMLButtonElement>(
        `[data-task="${CSS.escape(moved.taskId)}"][data-move="${direction}"]`,
      )
    const same = button(moved.direction)
    const target = same && !same.disabled ? same : button(moved.direction === 'up' ? 'down' : 'up')
    target?.focus()
    setMoved(null)
  }, [moved])

  const move = (index: number, direction: Direction) => {
    const task = tasks[index]
    if (!task) return
    // moveTask puts the task after another one (null: first).
    const after = direction === 'up' ? (tasks[index - 2]?.id ?? null) : tasks[index + 1]?.id
    if (after === undefined) return
    if (write.run(() => handle.moveTask(task.id, after))) setMoved({ taskId: task.id, direction })
  }

  const whoIs = (userId: string) => members.nameOf(userId) ?? 'someone no longer in the calendar'
  const now = today()
  const open = tasks.filter((task) => !task.done).length

  return (
    <section className="card event-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        Tasks{' '}
        {tasks.length > 0 && (
          <span className="muted heading-note">
            {open} of {tasks.length} open
          </span>
        )}
      </h2>
      {tasks.length === 0 && <p className="muted">No tasks yet.</p>}
      <ul className="task-list" ref={list}>
        {tasks.map((task, index) => (
          <li key={task.id} className={task.done ? 'task task-done' : 'task'}>
            <label className="inline task-title">
              <input
                type="checkbox"
                checked={task.done}
                disabled={readOnly}
                onChange={(e) => write.run(() => handle.completeTask(task.id, e.target.checked))}
              />
              <span>{task.title}</span>
            </label>
            <TaskFacts task={task} whoIs={whoIs} today={now} />
            {!readOnly && (
              <div className="task-actions">
                <AssigneeSelect
                  label={`Assignee of ${task.title}`}
                  value={task.assignee}
                  members={members}
                  onChange={(assignee) => write.run(() => handle.updateTask(task.id, { assignee }))}
                />
                <button
                  type="button"
                  data-task={task.id}
                  data-move="up"
                  aria-label={`Move ${task.title} up`}
                  title="Move up"
                  disabled={index === 0}
                  onClick={() => move(index, 'up')}
                >
                  <span aria-hidden="true">↑</span>
                </button>
                <button
                  type="button"
                  data-task={task.id}
                  data-move="down"
                  aria-label={`Move ${task.title} down`}
                  title="Move down"
                  disabled={index === tasks.length - 1}
                  onClick={() => move(index, 'down')}
                >
                  <span aria-hidden="true">↓</span>
                </button>
                <button
                  type="button"
                  className="danger"
                  aria-label={`Remove ${task.title}`}
                  onClick={() => write.run(() => handle.removeTask(task.id))}
                >
                  Remove
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <ErrorText error={write.error} />
      {!readOnly && <NewTaskForm handle={handle} members={members} />}
    </section>
  )
}

function TaskFacts(props: { task: Task; whoIs: (userId: string) => string; today: string }) {
  const { task } = props
  const overdue = task.due !== null && !task.done && task.due < props.today
  if (task.assignee === null && task.due === null) return null
  return (
    <p className="task-facts">
      {task.assignee !== null && <span>For {props.whoIs(task.assignee)}</span>}
      {task.due !== null && (
        <span className={overdue ? 'overdue' : undefined}>
          Due <time dateTime={task.due}>{formatDue(task.due)}</time>
          {overdue && ' (overdue)'}
        </span>
      )}
    </p>
  )
}
