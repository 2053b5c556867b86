// The outbox: work that must happen after a database change, even if the
// process dies right after the commit. The job row is written in the same
// transaction as the change; a runner performs it (today: publishing access
// changes to the sync servers) and retries with capped exponential backoff
// until it succeeds. Claiming is a conditional update of `run_at`, so two
// auth-api replicas never run one job at the same time.
import { randomUUID } from 'node:crypto'
import { ACCESS_CHANGES_CHANNEL, type AccessChange, encodeAccessChange } from '@plansync/protocol'
import type { PubSub } from '@plansync/pubsub'
import type { Kysely, Transaction } from 'kysely'
import type { Logger } from 'pino'
import type { Database } from '../db/schema.ts'

const POLL_MS = 1_000
const CLAIM_MS = 30_000
const MAX_BACKOFF_MS = 60_000
const BATCH = 50

export interface Outbox {
  /** Adds an access change to publish once `trx` commits. */
  enqueueAccessChange(trx: Transaction<Database>, change: AccessChange): Promise<void>
  /** Runs due jobs now (after a commit) instead of at the next poll. */
  kick(): Promise<void>
  start(): void
  close(): Promise<void>
}

export function createOutbox(options: {
  db: Kysely<Database>
  pubsub: PubSub
  logger: Logger
  now: () => number
}): Outbox {
  const { db, pubsub, logger, now } = options
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let closed = false

  async function runOne(job: { id: string; payload: string; attempts: number; run_at: number }) {
    const claimed = await db
      .updateTable('jobs')
      .set({ run_at: now() + CLAIM_MS, attempts: job.attempts + 1 })
      .where('id', '=', job.id)
      .where('run_at', '=', job.run_at)
      .executeTakeFirst()
    if (Number(claimed.numUpdatedRows) !== 1) return // another replica has it
    try {
      await pubsub.publish(ACCESS_CHANGES_CHANNEL, job.payload)
      await db.deleteFrom('jobs').where('id', '=', job.id).execute()
    } catch (error) {
      const backoff = Math.min(MAX_BACKOFF_MS, 250 * 2 ** job.attempts)
      logger.warn(
        { err: error, job: job.id, attempts: job.attempts + 1 },
        'outbox job failed; will retry',
      )
      await db
        .updateTable('jobs')
        .set({ run_at: now() + backoff, last_error: String((error as Error)?.message ?? error) })
        .where('id', '=', job.id)
        .execute()
    }
  }

  async function runDue(): Promise<void> {
    const due = await db
      .selectFrom('jobs')
      .select(['id', 'payload', 'attempts', 'run_at'])
      .where('run_at', '<=', now())
      .orderBy('created_at')
      .limit(BATCH)
      .execute()
    for (const job of due) await runOne(job)
  }

  const outbox: Outbox = {
    async enqueueAccessChange(trx, change) {
      const at = now()
      await trx
        .insertInto('jobs')
        .values({
          id: randomUUID(),
          kind: 'access-change',
          payload: encodeAccessChange(change),
          attempts: 0,
          run_at: at,
          last_error: null,
          created_at: at,
        })
        .execute()
    },
    kick() {
      if (closed) return Promise.resolve()
      running ??= runDue()
        .catch((error: unknown) => logger.error({ err: error }, 'outbox run failed'))
        .finally(() => {
          running = undefined
        })
      return running
    },
    start() {
      timer ??= setInterval(() => void outbox.kick(), POLL_MS)
      timer.unref()
    },
    async close() {
      closed = true
      clearInterval(timer)
      await running
    },
  }
  return outbox
}
