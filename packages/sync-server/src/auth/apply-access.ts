// Applies an access change to the live connections of this server: removal,
// logout everywhere and deleted docs close the connection with a named code
// (clients must not retry with the same token); a role change takes effect
// in place, so a demoted editor's next update is dropped.
import { type AccessChange, CloseCode, type Role } from '@plansync/protocol'
import type { Connection } from '../connection.ts'
import type { SharedDoc } from '../docs/shared-doc.ts'

/** Applies `change`; returns how many connections it affected. */
export function applyAccessChange(change: AccessChange, docs: Iterable<SharedDoc>): number {
  let affected = 0
  for (const doc of docs) {
    const docMatches = change.kind === 'user' || change.docs.includes(doc.name)
    if (!docMatches) continue
    for (const peer of doc.peers.keys()) {
      const conn = peer as Connection
      if (change.kind !== 'doc' && conn.principal.userId !== change.userId) continue
      affected += 1
      if (change.kind === 'user') conn.close(CloseCode.unauthorized, 'signed out everywhere')
      else if (change.kind === 'doc') conn.close(CloseCode.forbidden, 'doc deleted')
      else setRoleOrClose(conn, change.role)
    }
  }
  return affected
}

/** null closes with 4403; a role replaces the connection's role in place. */
export function setRoleOrClose(conn: Connection, role: Role | null): void {
  if (role === null) conn.close(CloseCode.forbidden, 'access revoked')
  else conn.setRole(role)
}
