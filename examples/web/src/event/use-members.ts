// The calendar's members (for names and the assignee picker), from the auth
// API and kept in localStorage, so names still show offline; refreshed when
// the page opens and when the network or the window comes back.
import type { Member } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { useCallback, useMemo } from 'react'
import { useUser } from '../session/session.tsx'
import { useKeptList } from '../ui/use-kept-list.ts'

export interface Members {
  list: Member[]
  /** A member's display name; undefined for someone not (or no longer) a member. */
  nameOf(userId: string): string | undefined
  /** Why the last refresh failed; the kept list is still used. */
  error: unknown
}

export function useMembers(calendarId: string): Members {
  const client = usePlansyncClient()
  const user = useUser()
  const load = useCallback(
    async () =>
      [...(await client.api.listMembers(calendarId)).members].sort((a, b) =>
        a.displayName.localeCompare(b.displayName),
      ),
    [client, calendarId],
  )
  const { list, error } = useKeptList(`plansync.members.${user.id}.${calendarId}`, load, {
    isItem: isMember,
  })

  return useMemo(() => {
    const members = list ?? []
    const names = new Map(members.map((member) => [member.userId, member.displayName]))
    return { list: members, error, nameOf: (userId: string) => names.get(userId) }
  }, [list, error])
}

function isMember(value: unknown): value is Member {
  const member = value as Partial<Member> | null
  return typeof member?.userId === 'string' && typeof member.displayName === 'string'
}
