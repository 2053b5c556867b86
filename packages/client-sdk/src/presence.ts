// Presence: who else has this doc open and what they are doing. The server
// stamps each state's `user.id` from the sync token, so identities shown
// here cannot be forged by another client.
import type { Awareness } from 'y-protocols/awareness'

export interface Peer {
  clientId: number
  userId: string | null
  name: string | null
  colour: string | null
  /** What the peer says it is doing, e.g. `{ editing: 'notes' }`. */
  activity: Record<string, unknown>
}

export class Presence {
  readonly awareness: Awareness

  constructor(awareness: Awareness) {
    this.awareness = awareness
  }

  /** Announces this user's display name and colour (the server adds the id). */
  setUser(user: { name: string; colour?: string }): void {
    this.awareness.setLocalStateField('user', user)
  }

  /** Sets what this user is doing now, e.g. `{ editing: 'event:abc' }`; null clears it. */
  setActivity(activity: Record<string, unknown> | null): void {
    this.awareness.setLocalStateField('activity', activity)
  }

  /** Everyone else connected to this doc. */
  peers(): Peer[] {
    const peers: Peer[] = []
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.awareness.clientID || typeof state !== 'object' || state === null)
        continue
      const user =
        typeof state.user === 'object' && state.user !== null
          ? (state.user as Record<string, unknown>)
          : {}
      const text = (value: unknown) => (typeof value === 'string' ? value : null)
      const activity = state.activity
      peers.push({
        clientId,
        userId: text(user.id),
        name: text(user.name),
        colour: text(user.colour),
        activity:
          typeof activity === 'object' && activity !== null
            ? (activity as Record<string, unknown>)
            : {},
      })
    }
    return peers
  }

  onChange(listener: () => void): () => void {
    this.awareness.on('change', listener)
    return () => this.awareness.off('change', listener)
  }
}
