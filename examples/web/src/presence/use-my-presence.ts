// Announces this user on a doc (an event, a calendar): name and a stable colour (the SDK's
// `{ name, colour }`), plus the `color` and `colorLight` y-codemirror.next
// reads to draw this user's cursor in other people's notes editors.
import type { LiveHandle, User } from '@plansync/client-sdk'
import { useEffect } from 'react'
import { colourFor } from './user-colour.ts'

export function useMyPresence(handle: LiveHandle | null, user: User): void {
  useEffect(() => {
    if (!handle) return
    const name = user.displayName
    const colour = colourFor(user.id)
    handle.presence.setUser({ name, colour })
    // The server keeps `name`, `colour` and `color` (and stamps the id); a
    // missing `colorLight` makes y-codemirror use `color` at 20% opacity.
    handle.presence.awareness.setLocalStateField('user', {
      name,
      colour,
      color: colour,
      colorLight: `${colour}33`,
    })
  }, [handle, user.id, user.displayName])
}
