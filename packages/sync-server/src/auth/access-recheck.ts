// The periodic access recheck: every interval, the roles of all live
// token-authenticated connections are asked again from the auth API, so a
// lost access-change message cannot leave access open longer than one
// interval. When the auth API cannot answer, connections stay as they are
// (an auth outage must not cut off every user) and the failure is counted.
// A changed answer is also recorded like an access change (`record`), so
// the tokens issued before the recheck cannot be replayed.
import type { AccessChange } from '@plansync/protocol'
import type { Logger } from 'pino'
import type { Connection } from '../connection.ts'
import type { SharedDoc } from '../docs/shared-doc.ts'
import type { SyncMetrics } from '../metrics.ts'
import type { AccessChecker } from './access-checker.ts'
import { setRoleOrClose } from './apply-access.ts'

export function startAccessRecheck(options: {
  checker: AccessChecker
  intervalMs: number
  docs: () => Iterable<SharedDoc>
  logger: Logger
  metrics: SyncMetrics
  /** Called with what a changed answer means for older tokens (the replay ledger). */
  record?: (change: AccessChange) => void
}): { runOnce(): Promise<void>; stop(): void } {
  let running: Promise<void> | undefined

  async function recheck(): Promise<void> {
    const byPair = new Map<string, { userId: string; doc: string; conns: Connection[] }>()
    for (const doc of options.docs()) {
      for (const peer of doc.peers.keys()) {
        const conn = peer as Connection
        // Dev-verifier principals carry no token and have no auth API to ask.
        if (conn.principal.tokenId === undefined || conn.closing) continue
        const key = `${conn.principal.userId}\u0000${doc.name}`
        const entry = byPair.get(key) ?? { userId: conn.principal.userId, doc: doc.name, conns: [] }
        entry.conns.push(conn)
        byPair.set(key, entry)
      }
    }
    if (byPair.size === 0) return
    const pairs = [...byPair.values()]
    // The auth API answers as of some time after this: tokens issued before it are stale.
    const askedAt = Date.now()
    try {
      const roles = await options.checker.check(pairs.map(({ userId, doc }) => ({ userId, doc })))
      pairs.forEach((pair, i) => {
        const role = roles[i] ?? null
        if (pair.conns.some((conn) => conn.principal.role !== role)) {
          options.record?.({
            kind: 'member',
            userId: pair.userId,
            docs: [pair.doc],
            role,
            at: askedAt,
          })
        }
        for (const conn of pair.conns) {
          if (conn.principal.role === role) continue
          options.metrics.accessChanges.inc({ kind: 'recheck' })
          setRoleOrClose(conn, role)
        }
      })
    } catch (error) {
      options.metrics.accessRecheckFailures.inc()
      options.logger.warn({ err: error }, 'access recheck failed; connections keep their roles')
    }
  }

  const runOnce = () => {
    running ??= recheck().finally(() => {
      running = undefined
    })
    return running
  }
  const timer = setInterval(() => void runOnce(), options.intervalMs)
  timer.unref()
  return { runOnce, stop: () => clearInterval(timer) }
}
