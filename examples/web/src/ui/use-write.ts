// Runs a write to the local replica from a button or form. Writes never wait
// for the network, so they are synchronous; a refused write (SchemaError:
// bad input, or a doc only a newer app may change) is kept to show in plain
// words beside the action, and cleared by the next write that succeeds.
import { useCallback, useState } from 'react'
import { Problem } from './errors.ts'

export interface Write {
  error: unknown
  /** Runs `write`; false when it was refused (the error is then shown). */
  run(write: () => void): boolean
  /** Shows a problem found before writing (a check of the form). */
  fail(message: string): void
  clear(): void
}

export function useWrite(): Write {
  const [error, setError] = useState<unknown>(null)
  const run = useCallback((write: () => void) => {
    try {
      write()
      setError(null)
      return true
    } catch (caught) {
      setError(plainWriteError(caught))
      return false
    }
  }, [])
  const fail = useCallback((message: string) => setError(new Problem(message)), [])
  const clear = useCallback(() => setError(null), [])
  return { error, run, fail, clear }
}

/** A SchemaError's `path: reason` in words a person understands. */
export function plainWriteError(error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== 'SchemaError') return error
  const path = (error as Error & { path?: string }).path ?? ''
  const field = path.split('.').at(-1)
  if (error.message.includes('newer version')) {
    return new Problem(
      'This event was changed by a newer version of plansync. Reload the page to get the update before changing it.',
    )
  }
  const words = FIELD_PROBLEMS[field ?? '']
  return new Problem(words ?? `This change could not be saved (${error.message}).`)
}

const FIELD_PROBLEMS: Record<string, string> = {
  title: 'The title is too long: keep it under 500 characters.',
  note: 'The note is too long: keep it under 500 characters.',
  guests: 'Extra guests must be a whole number from 0 to 50.',
  capacity: 'Seats must be a whole number from 0 to 100,000, or no limit.',
  minutes: 'Minutes must be a whole number from 0 to 1440 (a whole day).',
  due: 'The due date is not a date that exists.',
  assignee: 'That person cannot be assigned.',
  text: 'The comment is too long: keep it under 10,000 characters.',
  comments: 'The comment is too long: keep it under 10,000 characters.',
}
