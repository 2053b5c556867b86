// Access changes the auth API broadcasts to every sync server (the
// revocation channel, over the pub/sub seam: in-process embedded, Redis in a
// cluster). A sync server applies each to its live connections within
// seconds and refuses replayed tokens issued before it.
//
//   { kind: 'member', userId, docs, role }  a user's role on these docs changed:
//                                            role null = removed (close 4403),
//                                            lower role = demote in place
//   { kind: 'user', userId }                 logout everywhere / account deleted:
//                                            close every connection of the user (4401)
//   { kind: 'doc', docs }                    docs deleted: close everyone on them (4403)
//
// `at` (ms since the epoch) is when the change happened: tokens issued before
// it for the same user / docs are no longer accepted.
import { isRole, type Role } from './roles.ts'

export const ACCESS_CHANGES_CHANNEL = 'plansync:access-changes'

export type AccessChange =
  | { kind: 'member'; userId: string; docs: string[]; role: Role | null; at: number }
  | { kind: 'user'; userId: string; at: number }
  | { kind: 'doc'; docs: string[]; at: number }

export function encodeAccessChange(change: AccessChange): string {
  return JSON.stringify(change)
}

/** Parses a channel message; returns undefined for anything malformed. */
export function decodeAccessChange(text: string): AccessChange | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  if (!Number.isFinite(v.at)) return undefined
  const at = v.at as number
  const isDocs = (d: unknown): d is string[] =>
    Array.isArray(d) && d.every((name) => typeof name === 'string')
  switch (v.kind) {
    case 'member':
      if (typeof v.userId !== 'string' || !isDocs(v.docs)) return undefined
      if (v.role !== null && !isRole(v.role)) return undefined
      return { kind: 'member', userId: v.userId, docs: v.docs, role: v.role, at }
    case 'user':
      if (typeof v.userId !== 'string') return undefined
      return { kind: 'user', userId: v.userId, at }
    case 'doc':
      if (!isDocs(v.docs)) return undefined
      return { kind: 'doc', docs: v.docs, at }
    default:
      return undefined
  }
}
