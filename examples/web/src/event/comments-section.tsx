// Comments: who said what and when, oldest first, and a box to add one.
import type { EventHandle } from '@plansync/client-sdk'
import { useLive } from '@plansync/client-sdk/react'
import { type FormEvent, useId, useState } from 'react'
import { ErrorText } from '../ui/error-text.tsx'
import { useWrite } from '../ui/use-write.ts'
import type { Members } from './use-members.ts'

const MAX_COMMENT = 10_000
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function CommentsSection(props: {
  handle: EventHandle
  readOnly: boolean
  members: Members
  selfId: string
}) {
  const { handle, members, selfId } = props
  const id = useId()
  const comments = useLive(handle, (h) => h.comments()) ?? []
  const [text, setText] = useState('')
  const write = useWrite()

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = text.trim()
    if (!trimmed) return write.fail('Write something first.')
    if (write.run(() => handle.comment(trimmed))) setText('')
  }

  return (
    <section className="card event-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Comments</h2>
      {comments.length === 0 && <p className="muted">No comments yet.</p>}
      <ul className="comment-list">
        {comments.map((comment) => (
          <li key={comment.id} className="comment">
            <p className="comment-head">
              <strong>
                {comment.author === selfId
                  ? 'You'
                  : (members.nameOf(comment.author) ?? 'Someone no longer in the calendar')}
              </strong>{' '}
              <time className="muted" dateTime={new Date(comment.at).toISOString()}>
                {when.format(comment.at)}
              </time>
            </p>
            <p className="comment-text">{comment.text}</p>
          </li>
        ))}
      </ul>
      {!props.readOnly && (
        <form className="add-form" onSubmit={submit}>
          <label>
            Add a comment
            <textarea
              name="comment"
              rows={2}
              maxLength={MAX_COMMENT}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </label>
          <div className="button-row">
            <button type="submit">Post comment</button>
          </div>
          <ErrorText error={write.error} />
        </form>
      )}
    </section>
  )
}
