// This user's answer: yes, maybe or no, with extra guests and a note. Under
// a seat limit a "yes" is a request, which the server answers.
import type { EventHandle, Participant, Rsvp } from '@plansync/client-sdk'
import { type FormEvent, useEffect, useState } from 'react'
import { ErrorText } from '../ui/error-text.tsx'
import { useWrite } from '../ui/use-write.ts'
import { ANSWER_WORDS, describeSeat, guestsWords } from './seats.ts'

const ANSWERS: Rsvp[] = ['yes', 'maybe', 'no']
const MAX_GUESTS = 50

export function RsvpForm(props: {
  handle: EventHandle
  mine: Participant | undefined
  /** This user's place on the waitlist, if on it. */
  position: number | undefined
  hasCapacity: boolean
}) {
  const { handle, mine } = props
  const [answer, setAnswer] = useState<Rsvp | null>(mine?.rsvp ?? null)
  const [guests, setGuests] = useState(String(mine?.guests ?? 0))
  const [note, setNote] = useState(mine?.note ?? '')
  const [dirty, setDirty] = useState(false)
  const write = useWrite()

  // The answer changed elsewhere (another tab or device): follow it unless the user is editing.
  useEffect(() => {
    if (dirty) return
    setAnswer(mine?.rsvp ?? null)
    setGuests(String(mine?.guests ?? 0))
    setNote(mine?.note ?? '')
  }, [mine, dirty])

  const edit =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value)
      setDirty(true)
    }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (answer === null) return write.fail('Choose yes, maybe or no.')
    const count = Number(guests)
    if (!Number.isInteger(count) || count < 0 || count > MAX_GUESTS) {
      return write.fail(`Extra guests must be a whole number from 0 to ${MAX_GUESTS}.`)
    }
    if (write.run(() => handle.rsvp(answer, { guests: count, note: note.trim() }))) setDirty(false)
  }

  return (
    <form className="rsvp-form" onSubmit={submit} aria-label="Your answer" noValidate>
      {mine && (
        <p className="my-answer" data-testid="my-answer">
          You said <strong>{ANSWER_WORDS[mine.rsvp].toLowerCase()}</strong>
          {mine.guests > 0 && ` (${guestsWords(mine.guests)})`}
          {mine.seat && `: ${describeSeat(mine, props.position)}`}.
        </p>
      )}
      <fieldset className="answer-choices">
        <legend>Are you coming?</legend>
        {ANSWERS.map((value) => (
          <label key={value} className="inline choice">
            <input
              type="radio"
              name="rsvp"
              value={value}
              checked={answer === value}
              onChange={() => edit(setAnswer)(value)}
            />
            {ANSWER_WORDS[value]}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <label className="narrow-field">
          Extra guests
          <input
            name="guests"
            type="number"
            inputMode="numeric"
            min={0}
            max={MAX_GUESTS}
            step={1}
            value={guests}
            onChange={(e) => edit(setGuests)(e.target.value)}
          />
        </label>
        <label className="grow">
          Your note <span className="muted">(optional)</span>
          <input
            name="rsvpNote"
            maxLength={500}
            placeholder="Arriving late, bringing a cake…"
            value={note}
            onChange={(e) => edit(setNote)(e.target.value)}
          />
        </label>
      </div>
      {props.hasCapacity && answer === 'yes' && (
        <p className="muted">
          Seats are limited: your yes waits for a seat decision, then is confirmed or waitlisted.
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="primary">
          {mine ? 'Update answer' : 'Send answer'}
        </button>
      </div>
      <ErrorText error={write.error} />
    </form>
  )
}
