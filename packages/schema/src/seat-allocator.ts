// The seat allocator: decides, in the order it first sees them, which "yes"
// requests get a seat and which wait. Pure: it reads an event doc and writes
// its decisions into `allocation` in one transaction. Exactly one allocator
// may run per doc at a time (the server takes a lease); as long as that
// holds, confirmed seats (each "yes" takes 1 + its guests) never exceed the
// capacity, however many clients answered concurrently or offline.
//
// The allocator is authoritative over `allocation`: every run recomputes
// who is confirmed from the capacity, so a "confirmed" a client wrote there
// does not survive and can never overbook. It keeps the queue positions
// (`seq`) it finds, which an editor could forge to move up the waitlist:
// write access to a doc means trust in its content (ARCHITECTURE.md).
import * as Y from 'yjs'
import { eventParts, readCapacity, readParticipants } from './event-doc.ts'
import { ignoreIssues } from './issues.ts'

export const ALLOCATOR_ORIGIN = 'plansync:allocator'

interface Decision {
  state: 'confirmed' | 'waitlisted'
  seq: number
  /** Seats granted (1 + guests at decision time); more guests later need a new decision. */
  seats: number
}

/** Updates `allocation`; returns true when it changed anything. */
export function allocateSeats(doc: Y.Doc): boolean {
  const capacity = readCapacity(doc, ignoreIssues)
  const { allocation } = eventParts(doc)
  const previous = readDecisions(allocation)
  const requests = readParticipants(doc, ignoreIssues).filter((p) => p.rsvp === 'yes')
  const next = new Map<string, Decision>()
  if (capacity !== null) {
    // Arrival order: requests already seen keep their seq; new ones queue behind, by
    // their request time and id so every allocator would agree on the tie.
    let lastSeq = Math.max(0, ...[...previous.values()].map((d) => d.seq))
    const queue = requests
      .map((p) => ({
        userId: p.userId,
        seats: 1 + p.guests,
        seq: previous.get(p.userId)?.seq ?? 0,
        requestedAt: p.requestedAt,
      }))
      .sort(
        (a, b) =>
          (a.seq || Infinity) - (b.seq || Infinity) ||
          a.requestedAt - b.requestedAt ||
          a.userId.localeCompare(b.userId),
      )
    let free = capacity
    let blocked = false
    for (const request of queue) {
      if (request.seq === 0) {
        lastSeq += 1
        request.seq = lastSeq
      }
      // First come, first served: a later small request never jumps an earlier one.
      const fits = !blocked && request.seats <= free
      if (fits) free -= request.seats
      else blocked = true
      next.set(request.userId, {
        state: fits ? 'confirmed' : 'waitlisted',
        seq: request.seq,
        seats: request.seats,
      })
    }
  }
  if (sameDecisions(previous, next) && allocation.size === next.size) return false
  doc.transact(() => {
    for (const key of [...allocation.keys()]) if (!next.has(key)) allocation.delete(key)
    for (const [userId, decision] of next) {
      const old = previous.get(userId)
      if (old && same(old, decision)) continue
      const entry = new Y.Map<unknown>()
      allocation.set(userId, entry)
      entry.set('state', decision.state)
      entry.set('seq', decision.seq)
      entry.set('seats', decision.seats)
    }
  }, ALLOCATOR_ORIGIN)
  return true
}

function readDecisions(allocation: Y.Map<unknown>): Map<string, Decision> {
  const decisions = new Map<string, Decision>()
  for (const [userId, entry] of allocation) {
    if (!(entry instanceof Y.Map)) continue
    const state = entry.get('state')
    const seq = entry.get('seq')
    const seats = entry.get('seats')
    if (
      (state === 'confirmed' || state === 'waitlisted') &&
      Number.isInteger(seq) &&
      (seq as number) > 0 &&
      Number.isInteger(seats)
    ) {
      decisions.set(userId, { state, seq: seq as number, seats: seats as number })
    }
  }
  return decisions
}

function sameDecisions(a: Map<string, Decision>, b: Map<string, Decision>): boolean {
  if (a.size !== b.size) return false
  for (const [key, decision] of b) {
    const other = a.get(key)
    if (!other || !same(other, decision)) return false
  }
  return true
}

function same(a: Decision, b: Decision): boolean {
  return a.state === b.state && a.seq === b.seq && a.seats === b.seats
}
