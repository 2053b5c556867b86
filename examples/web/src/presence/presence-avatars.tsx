// Who else is here, as coloured circles with initials: one per person (a
// person with two tabs open shows once), never the viewer themself. Names
// come from the caller's trusted source (the calendar's members) before the
// name a peer announces; ids are stamped by the server, so they are real.
import type { Peer } from '@plansync/client-sdk'
import { colourFor, initialsOf } from './user-colour.ts'
import './presence.css'

export interface PresentPerson {
  userId: string
  name: string
  colour: string
  /** Each of the person's connections' activity (a person may have several tabs). */
  activities: Record<string, unknown>[]
}

export interface PeopleOptions {
  /** The viewer's own id: left out. */
  selfId?: string
  /** A trusted name for a user id (the calendar's members); the peer's own name is the fallback. */
  nameOf?: (userId: string) => string | undefined
}

/** Peers grouped by person, in a stable order (by name). */
export function peopleFrom(peers: readonly Peer[], options: PeopleOptions = {}): PresentPerson[] {
  const byId = new Map<string, PresentPerson>()
  for (const peer of peers) {
    if (peer.userId === null || peer.userId === options.selfId) continue
    const known = byId.get(peer.userId)
    if (known) {
      known.activities.push(peer.activity)
      continue
    }
    byId.set(peer.userId, {
      userId: peer.userId,
      name: options.nameOf?.(peer.userId) ?? peer.name ?? 'Someone',
      colour: colourFor(peer.userId),
      activities: [peer.activity],
    })
  }
  return [...byId.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId),
  )
}

export function PresenceAvatars(
  props: PeopleOptions & {
    peers: readonly Peer[]
    /** The list's accessible name. */
    label?: string
    /** At most this many circles; the rest become "+N". */
    max?: number
    /** Shown beside the (empty) list when nobody else is here. */
    emptyText?: string
  },
) {
  const people = peopleFrom(props.peers, props)
  const max = props.max ?? 5
  const shown = people.length > max ? people.slice(0, max - 1) : people
  const rest = people.slice(shown.length)
  return (
    <div className="presence">
      <ul className="avatars presence-avatars" aria-label={props.label ?? 'People here'}>
        {shown.map((person) => (
          <li key={person.userId}>
            <span
              className="avatar"
              role="img"
              aria-label={person.name}
              title={person.name}
              style={{ background: person.colour }}
            >
              {initialsOf(person.name)}
            </span>
          </li>
        ))}
        {rest.length > 0 && (
          <li>
            <span
              className="avatar presence-more"
              role="img"
              aria-label={`and ${rest.length} more: ${rest.map((p) => p.name).join(', ')}`}
              title={rest.map((p) => p.name).join(', ')}
            >
              +{rest.length}
            </span>
          </li>
        )}
      </ul>
      {people.length === 0 && props.emptyText && (
        <span className="muted presence-empty">{props.emptyText}</span>
      )}
    </div>
  )
}
