// Who's coming: this user's answer, the seat limit (editors set or clear
// it), and everyone's answers with their seat state under a limit.
import type { EventHandle } from '@plansync/client-sdk'
import { useLive, useParticipants } from '@plansync/client-sdk/react'
import { useId } from 'react'
import { CapacityForm } from './capacity-form.tsx'
import { ParticipantList } from './participant-list.tsx'
import { RsvpForm } from './rsvp-form.tsx'
import { seatsTaken, waitlistPositions } from './seats.ts'
import type { Members } from './use-members.ts'

export function RsvpSection(props: {
  handle: EventHandle
  readOnly: boolean
  members: Members
  selfId: string
}) {
  const { handle, readOnly, members, selfId } = props
  const id = useId()
  const participants = useParticipants(handle)
  const capacity = useLive(handle, (h) => h.capacity()) ?? null
  const mine = participants.find((participant) => participant.userId === selfId)
  const taken = seatsTaken(participants)

  return (
    <section className="card event-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Who's coming</h2>
      <p className="seats-summary" data-testid="seats-summary">
        {capacity === null ? (
          'No seat limit.'
        ) : (
          <>
            <strong>
              {taken} of {capacity}
            </strong>{' '}
            {capacity === 1 ? 'seat' : 'seats'} taken
            {taken >= capacity && ' (full: new answers join the waitlist)'}.
          </>
        )}
      </p>
      {!readOnly && <CapacityForm handle={handle} capacity={capacity} />}
      {readOnly ? (
        <p className="muted">Only editors of the calendar can answer here.</p>
      ) : (
        <RsvpForm
          handle={handle}
          mine={mine}
          position={waitlistPositions(participants).get(selfId)}
          hasCapacity={capacity !== null}
        />
      )}
      <ParticipantList participants={participants} nameOf={members.nameOf} selfId={selfId} />
    </section>
  )
}
