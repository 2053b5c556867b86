// "This event, this and following, or all events?" for a change to one
// occurrence of a recurring event, as a promise the caller awaits.
import type { OccurrenceScope } from '@plansync/client-sdk'
import { useCallback, useEffect, useRef, useState } from 'react'

export const SCOPES: { value: OccurrenceScope; label: string }[] = [
  { value: 'this', label: 'This event' },
  { value: 'following', label: 'This and following events' },
  { value: 'all', label: 'All events' },
]

export function useScopeQuestion(): {
  ask: (action: string) => Promise<OccurrenceScope | null>
  dialog: React.ReactNode
} {
  const [question, setQuestion] = useState<{
    action: string
    answer: (scope: OccurrenceScope | null) => void
  } | null>(null)
  const ask = useCallback(
    (action: string) =>
      new Promise<OccurrenceScope | null>((resolve) => setQuestion({ action, answer: resolve })),
    [],
  )
  const answer = (scope: OccurrenceScope | null) => {
    question?.answer(scope)
    setQuestion(null)
  }
  const dialog = question ? <ScopeDialog action={question.action} onAnswer={answer} /> : null
  return { ask, dialog }
}

function ScopeDialog(props: { action: string; onAnswer: (scope: OccurrenceScope | null) => void }) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    ref.current?.showModal()
  }, [])
  return (
    <dialog
      ref={ref}
      className="dialog scope-dialog"
      aria-labelledby="scope-title"
      onCancel={() => props.onAnswer(null)}
    >
      <h2 id="scope-title">{props.action} a recurring event</h2>
      <p>Which events should change?</p>
      <div className="button-column">
        {SCOPES.map((scope) => (
          <button key={scope.value} type="button" onClick={() => props.onAnswer(scope.value)}>
            {scope.label}
          </button>
        ))}
        <button type="button" className="secondary" onClick={() => props.onAnswer(null)}>
          Cancel
        </button>
      </div>
    </dialog>
  )
}
