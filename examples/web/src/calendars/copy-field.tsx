// A read-only value (a link, a secret) with a Copy button. Where the
// clipboard is not allowed (plain http, an old browser), the value is
// selected instead, so the keyboard shortcut copies it.
import { useId, useRef, useState } from 'react'

export function CopyField(props: { label: string; value: string; testId?: string }) {
  const id = useId()
  const input = useRef<HTMLInputElement>(null)
  const [note, setNote] = useState('')

  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard here')
      await navigator.clipboard.writeText(props.value)
      setNote('Copied.')
    } catch {
      input.current?.focus()
      input.current?.select()
      setNote('Copying is not allowed here: the text is selected, press Ctrl+C (⌘C on a Mac).')
    }
  }

  return (
    <div className="copy-field">
      <label htmlFor={id}>{props.label}</label>
      <div className="copy-field-row">
        <input
          id={id}
          ref={input}
          readOnly
          value={props.value}
          data-testid={props.testId}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" aria-label={`Copy ${props.label}`} onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="copy-note muted" role="status">
        {note}
      </p>
    </div>
  )
}
