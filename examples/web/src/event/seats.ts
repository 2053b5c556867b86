// Seat arithmetic over the participants as the doc has them: seats taken
// by confirmed answers (each brings its guests), the waitlist in order, and
// how a participant's seat reads in words.
import type { Participant } from '@plansync/client-sdk'

export const seatsOf = (participant: Participant): number => 1 + participant.guests

export function seatsTaken(participants: readonly Participant[]): number {
  return participants
    .filter((participant) => participant.seat === 'confirmed')
    .reduce((sum, participant) => sum + seatsOf(participant), 0)
}

/**
 * Waitlist positions (1-based) by user id, in request order. The allocator
 * decides in server arrival order, which can differ from the order here when
 * requests were made offline; it is the best the doc tells a client.
 */
export function waitlistPositions(participants: readonly Participant[]): Map<string, number> {
  const positions = new Map<string, number>()
  for (const participant of participants) {
    if (participant.seat === 'waitlisted') positions.set(participant.userId, positions.size + 1)
  }
  return positions
}

export function describeSeat(
  participant: Participant,
  position: number | undefined,
): string | null {
  switch (participant.seat) {
    case null:
      return null
    case 'pending':
      return 'waiting for a seat decision'
    case 'confirmed':
      return participant.guests > 0 ? `${seatsOf(participant)} seats confirmed` : 'seat confirmed'
    case 'waitlisted':
      return position === undefined ? 'on the waitlist' : `waitlisted, number ${position} in line`
  }
}

export const ANSWER_WORDS = { yes: 'Yes', maybe: 'Maybe', no: 'No' } as const

export const guestsWords = (guests: number): string =>
  guests === 0 ? '' : guests === 1 ? '+1 guest' : `+${guests} guests`
