// Who else has the planner's calendars open: announces this user on each
// open calendar and shows the others as avatars.
import type { CalendarHandle } from '@plansync/client-sdk'
import { useMemo } from 'react'
import { PresenceAvatars } from '../presence/presence-avatars.tsx'
import { useMyPresence } from '../presence/use-my-presence.ts'
import { usePeersOf } from '../presence/use-peers.ts'
import { useUser } from '../session/session.tsx'

export function PlannerPresence(props: { handles: ReadonlyMap<string, CalendarHandle> }) {
  const user = useUser()
  const handles = useMemo(() => [...props.handles.values()], [props.handles])
  const peers = usePeersOf(handles)
  return (
    <>
      {handles.map((handle) => (
        <Announce key={handle.id} handle={handle} />
      ))}
      <PresenceAvatars peers={peers} selfId={user.id} label="People here" />
    </>
  )
}

function Announce(props: { handle: CalendarHandle }) {
  useMyPresence(props.handle, useUser())
  return null
}
