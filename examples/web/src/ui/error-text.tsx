// An error shown where the action was, announced to screen readers.
import { plainError } from './errors.ts'

export function ErrorText(props: { error: unknown; id?: string }) {
  if (props.error === null || props.error === undefined) return null
  return (
    <p className="error" role="alert" id={props.id}>
      {plainError(props.error)}
    </p>
  )
}
