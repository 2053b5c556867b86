// The seat limit, for editors: set a number of seats or go back to no limit.
// The server confirms or waitlists each "yes" against it.
import type { EventHandle } from '@plansync/client-sdk'
import { type FormEvent, useEffect, useRef, useState } from 'react'
import { ErrorText } from '../ui/error-text.tsx'
import { useWrite } from '../ui/use-write.ts'

const MAX_CAPACITY = 100_000

export function CapacityForm(props: { handle: EventHandle; capacity: number | null }) {
  const { handle, capacity } = props
  const [seats, setSeats] = useState(capacity === null ? '' : String(capacity))
  const write = useWrite()
  const input = useRef<HTMLInputElement>(null)

  useEffect(() => setSeats(capacity === null ? '' : String(capacity)), [capacity])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const count = Number(seats)
    if (seats.trim() === '' || !Number.isInteger(count) || count < 0 || count > MAX_CAPACITY) {
      return write.fail('Seats must be a whole number from 0 to 100,000.')
    }
    write.run(() => handle.setCapacity(count))
  }

  return (
    <form className="capacity-form" onSubmit={submit} aria-label="Seat limit" noValidate>
      <div className="inline-form">
        <label className="narrow-field">
          Seats
          <input
            ref={input}
            name="capacity"
            type="number"
            inputMode="numeric"
            min={0}
            max={MAX_CAPACITY}
            step={1}
            placeholder="No limit"
            value={seats}
            onChange={(e) => setSeats(e.target.value)}
          />
        </label>
        <button type="submit">Set seat limit</button>
        {capacity !== null && (
          <button
            type="button"
            onClick={() => {
              // The button goes away with the limit: keep focus in the form.
              if (write.run(() => handle.setCapacity(null))) input.current?.focus()
            }}
          >
            No limit
          </button>
        )}
      </div>
      <ErrorText error={write.error} />
    </form>
  )
}
