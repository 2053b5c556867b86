// Everyone's answers in request order: name, answer, guests, note, and under
// a seat limit each "yes"'s seat: pending, confirmed, or waitlisted with its
// place in line.
import type { Participant } from '@plansync/client-sdk'
import { ANSWER_WORDS, describeSeat, guestsWords, waitlistPositions } from './seats.ts'

export function ParticipantList(props: {
  participants: readonly Participant[]
  nameOf: (userId: string) => string | undefined
  selfId: string
}) {
  const { participants } = props
  const positions = waitlistPositions(participants)
  const count = (answer: Participant['rsvp']) =>
    participants.filter((participant) => participant.rsvp === answer).length
  return (
    <>
      <h3>
        Answers{' '}
        {participants.length > 0 && (
          <span className="muted heading-note">
            {count('yes')} yes · {count('maybe')} maybe · {count('no')} no
          </span>
        )}
      </h3>
      {participants.length === 0 && <p className="muted">Nobody has answered yet.</p>}
      <ul className="participant-list">
        {participants.map((participant) => {
          const name =
            participant.userId === props.selfId
              ? 'You'
              : (props.nameOf(participant.userId) ?? 'Someone no longer in the calendar')
          const seat = describeSeat(participant, positions.get(participant.userId))
          return (
            <li key={participant.userId} className="participant">
              <span className="participant-name">{name}</span>
              <span className={`answer answer-${participant.rsvp}`}>
                {ANSWER_WORDS[participant.rsvp]}
              </span>
              {participant.guests > 0 && <span>{guestsWords(participant.guests)}</span>}
              {seat && (
                <span className={`seat seat-${participant.seat}`} data-seat={participant.seat}>
                  {seat}
                </span>
              )}
              {participant.note && <q className="participant-note">{participant.note}</q>}
            </li>
          )
        })}
      </ul>
    </>
  )
}
