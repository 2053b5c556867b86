// Everything that decides who may stay connected, in one place for the
// server: the verifier wrapped with the replay ledger, the access-change
// subscription and the periodic recheck. Created once per server.
import { ACCESS_CHANGES_CHANNEL, decodeAccessChange } from '@plansync/protocol'
import type { PubSub } from '@plansync/pubsub'
import type { Logger } from 'pino'
import type { SharedDoc } from '../docs/shared-doc.ts'
import type { SyncMetrics } from '../metrics.ts'
import type { AccessChecker } from './access-checker.ts'
import { AccessLedger } from './access-ledger.ts'
import { startAccessRecheck } from './access-recheck.ts'
import { applyAccessChange } from './apply-access.ts'
import type { Principal, TokenVerifier } from './verifier.ts'

export interface AccessControl {
  /** The configured verifier, then the ledger: a revoked token never passes. */
  readonly verifier: TokenVerifier
  /** The ledger alone, for a principal verified a while ago; throws when revoked. */
  admit(principal: Principal, docName: string): Principal
  /** Resolves once access changes are heard (listen() waits for it). */
  ready(): Promise<void>
  recheck(): Promise<void>
  close(): Promise<void>
}

export function createAccessControl(options: {
  verifier: TokenVerifier
  pubsub: PubSub | undefined
  accessChecker: AccessChecker | undefined
  accessRecheckMs: number
  docs: () => Iterable<SharedDoc>
  logger: Logger
  metrics: SyncMetrics
}): AccessControl {
  const { logger, metrics } = options
  const ledger = new AccessLedger()
  const subscribed = options.pubsub?.subscribe(ACCESS_CHANGES_CHANNEL, (message) => {
    const change = decodeAccessChange(message)
    if (!change) {
      metrics.accessChanges.inc({ kind: 'malformed' })
      logger.warn({ message: message.slice(0, 200) }, 'malformed access change ignored')
      return
    }
    ledger.record(change)
    const affected = applyAccessChange(change, options.docs())
    metrics.accessChanges.inc({ kind: change.kind })
    logger.info({ change, affected }, 'access change applied')
  })
  // ready() awaits this; the catch only keeps an early failure from being unhandled meanwhile.
  subscribed?.catch(() => {})
  const recheck =
    options.accessChecker &&
    startAccessRecheck({
      checker: options.accessChecker,
      intervalMs: options.accessRecheckMs,
      docs: options.docs,
      logger,
      metrics,
      record: (change) => ledger.record(change),
    })
  return {
    verifier: {
      async verify(request) {
        return ledger.admit(await options.verifier.verify(request), request.docName)
      },
    },
    admit: (principal, docName) => ledger.admit(principal, docName),
    async ready() {
      await subscribed
    },
    recheck: () => recheck?.runOnce() ?? Promise.resolve(),
    async close() {
      recheck?.stop()
      const unsubscribe = await subscribed?.catch(() => undefined)
      await unsubscribe?.().catch(() => {})
    },
  }
}
