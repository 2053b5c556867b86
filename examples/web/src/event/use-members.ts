// The calendar's members (for names and the assignee picker), from the auth
// API and kept in localStorage, so names still show offline; refreshed when
// the page opens and when the network or the window comes back.
import type { Member } from '@plansync/client-sdk'
import { usePlansyncClient } from '@plansync/client-sdk/react'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { useUser } from '../session/session.tsx'

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
  const key = `plansync.members.${user.id}.${calendarId}`
  const [list, setList] = useState<Member[]>(() => readKept(key))
  const [error, setError] = useState<unknown>(null)

  const refresh = useCallback(async () => {
    try {
      const { members } = await client.api.listMembers(calendarId)
      const sorted = [...members].sort((a, b) => a.displayName.localeCompare(b.displayName))
      localStorage.setItem(key, JSON.stringify(sorted))
      setList(sorted)
      setError(null)
    } catch (caught) {
      setError(caught)
    }
  }, [client, calendarId, key])

  useEffect(() => {
    setList(readKept(key))
    void refresh()
    const onBack = () => void refresh()
    window.addEventListener('online', onBack)
    window.addEventListener('focus', onBack)
    return () => {
      window.removeEventListener('online', onBack)
      window.removeEventListener('focus', onBack)
    }
  }, [key, refresh])

  return useMemo(() => {
    const names = new Map(list.map((member) => [member.userId, member.displayName]))
    return { list, error, nameOf: (userId: string) => names.get(userId) }
  }, [list, error])
}

function readKept(key: string): Member[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? '[]')
    if (!Array.isArray(value)) return []
    return value.filter(
      (m): m is Member =>
        typeof m === 'object' &&
        m !== null &&
        typeof (m as Member).userId === 'string' &&
        typeof (m as Member).displayName === 'string',
    )
  } catch {
    return []
  }
}
