// A destructive action asked twice: the button turns into a question with
// the real action and Cancel, right where it was. Focus moves to the answer
// and back to the button on Cancel.
import { useEffect, useRef, useState } from 'react'

export interface ConfirmButtonProps {
  /** What the first button says. */
  label: string
  /** Its accessible name when the label alone is ambiguous ("Remove Bea"). */
  ariaLabel?: string
  question: string
  confirmLabel: string
  busyLabel: string
  busy: boolean
  disabled?: boolean
  /** Where focus goes once it is done: back to the button (default), or left to the caller. */
  focusAfter?: 'button' | 'caller'
  /** Runs the action; the question stays open (with the error) when it returns false. */
  onConfirm(): Promise<boolean>
}

export function ConfirmButton(props: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false)
  const first = useRef<HTMLButtonElement>(null)
  const answer = useRef<HTMLButtonElement>(null)
  const returnFocus = useRef(false)

  useEffect(() => {
    if (asking) answer.current?.focus()
    else if (returnFocus.current) first.current?.focus()
    returnFocus.current = false
  }, [asking])

  if (!asking) {
    return (
      <button
        type="button"
        ref={first}
        className="danger"
        aria-label={props.ariaLabel}
        disabled={props.disabled}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    )
  }
  const cancel = () => {
    returnFocus.current = true
    setAsking(false)
  }
  return (
    <fieldset
      className="confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') cancel()
      }}
    >
      <legend className="confirm-question">{props.question}</legend>
      <div className="button-row">
        <button
          type="button"
          ref={answer}
          className="danger"
          disabled={props.busy || props.disabled}
          onClick={async () => {
            if (!(await props.onConfirm())) return
            returnFocus.current = props.focusAfter !== 'caller'
            setAsking(false)
          }}
        >
          {props.busy ? props.busyLabel : props.confirmLabel}
        </button>
        <button type="button" onClick={cancel} disabled={props.busy}>
          Cancel
        </button>
      </div>
    </fieldset>
  )
}
