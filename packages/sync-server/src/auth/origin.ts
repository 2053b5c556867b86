// Origin allowlist at upgrade: browsers always send Origin, so a page on a
// foreign site cannot open a socket with the user's cookies. Clients that
// send no Origin (Node, mobile) are not browsers and pass.
import { SyncError } from '../errors.ts'

export function checkOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): void {
  if (origin === undefined) return
  if (allowed.includes('*') || allowed.includes(origin)) return
  let originHost: string
  try {
    originHost = new URL(origin).host
  } catch {
    throw new SyncError('origin_not_allowed', 'malformed Origin header')
  }
  if (host !== undefined && originHost === host) return
  throw new SyncError('origin_not_allowed', `origin ${origin} is not allowed`)
}
