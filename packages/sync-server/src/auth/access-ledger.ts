// Remembers recent access changes so that a token issued before one cannot
// be replayed after it: a removed member's, a logged-out user's or a deleted
// doc's older tokens are refused, and a demoted member's older tokens are
// capped at the new role. Entries live as long as a token can (plus slack),
// after which expiry alone refuses the old tokens.
import { type AccessChange, hasRole, SYNC_TOKEN_TTL_SECONDS } from '@plansync/protocol'
import { SyncError } from '../errors.ts'
import type { Principal } from './verifier.ts'

const RETAIN_MS = (SYNC_TOKEN_TTL_SECONDS + 60) * 1000
const MAX_ENTRIES = 100_000

export class AccessLedger {
  #entries: Array<{ change: AccessChange; expiresAt: number }> = []
  #now: () => number

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now
  }

  record(change: AccessChange): void {
    this.#prune()
    this.#entries.push({ change, expiresAt: this.#now() + RETAIN_MS })
    if (this.#entries.length > MAX_ENTRIES) this.#entries.shift()
  }

  /** The principal as it may connect now; throws for a token an access change revoked. */
  admit(principal: Principal, docName: string): Principal {
    const issuedAt = principal.issuedAt
    if (issuedAt === undefined) return principal
    this.#prune()
    let role = principal.role
    for (const { change } of this.#entries) {
      if (issuedAt > change.at) continue
      if (change.kind === 'user' && change.userId === principal.userId) {
        throw new SyncError('unauthorized', 'token revoked: sign in again')
      }
      if (change.kind === 'doc' && change.docs.includes(docName)) {
        throw new SyncError('forbidden', 'this doc was deleted')
      }
      if (
        change.kind === 'member' &&
        change.userId === principal.userId &&
        change.docs.includes(docName)
      ) {
        if (change.role === null) throw new SyncError('forbidden', 'access was revoked')
        if (!hasRole(change.role, role)) role = change.role
      }
    }
    return role === principal.role ? principal : { ...principal, role }
  }

  #prune(): void {
    const now = this.#now()
    let stale = 0
    while (stale < this.#entries.length && (this.#entries[stale]?.expiresAt ?? 0) <= now) stale++
    if (stale > 0) this.#entries.splice(0, stale)
  }
}
