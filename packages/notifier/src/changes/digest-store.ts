// What the notifier last saw of each doc it compares for change
// notifications, in its own database (SQLite or Postgres): a small JSON
// digest per source and a version that grows by one with every recorded
// change. Recording is a compare-and-set on that version, in one transaction
// with the notifications the change produced, so of several replicas that
// compared the same doc exactly one records (and schedules) each change, and
// a crash between the two leaves neither.
import type { Kysely } from 'kysely'
import type { ScheduleDatabase } from '../schedule/schema.ts'
import type { ReminderInput } from '../schedule/types.ts'
import { enqueueReminders } from '../schedule/upsert.ts'

export interface StoredDigest {
  readonly version: number
  /** As recorded (parsed JSON); the caller checks its shape. */
  readonly digest: unknown
}

export interface DigestChange {
  /** The version read before the doc was (undefined: nothing recorded yet); the new one is one more. */
  readonly expected: number | undefined
  readonly digest: unknown
  /** Scheduled under `change:<source>` when the record succeeds. */
  readonly notifications: readonly ReminderInput[]
  readonly now: number
}

export interface ChangeDigestStore {
  get(source: string): Promise<StoredDigest | undefined>
  /**
   * Records `digest` for `source` if it is still at `expected`, and schedules
   * the notifications in the same transaction. False, with nothing written,
   * when another replica recorded first.
   */
  record(source: string, change: DigestChange): Promise<boolean>
  /** When every doc had been compared once (from then on, a doc never seen is new). */
  baselineAt(): Promise<number | undefined>
  markBaseline(now: number): Promise<void>
}

/** The schedule doc of the notifications a source's changes produced. */
export const changeDoc = (source: string) => `change:${source}`

const BASELINE = 'notifier:baseline'

class LostRace extends Error {}

export function createChangeDigestStore(db: Kysely<ScheduleDatabase>): ChangeDigestStore {
  const get = async (source: string): Promise<StoredDigest | undefined> => {
    const row = await db
      .selectFrom('notifier_change_digests')
      .select(['version', 'digest'])
      .where('source', '=', source)
      .executeTakeFirst()
    if (!row) return undefined
    let digest: unknown
    try {
      digest = JSON.parse(row.digest)
    } catch {
      digest = undefined
    }
    return { version: Number(row.version), digest }
  }

  return {
    get,
    async record(source, { expected, digest, notifications, now }) {
      const text = JSON.stringify(digest)
      try {
        await db.transaction().execute(async (trx) => {
          if (expected === undefined) {
            const inserted = await trx
              .insertInto('notifier_change_digests')
              .values({ source, version: 1, digest: text, updated_at: now })
              .onConflict((conflict) => conflict.column('source').doNothing())
              .executeTakeFirst()
            if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) throw new LostRace()
          } else {
            // Postgres: a concurrent record of the same row waits for this one, then finds
            // the version moved on and updates nothing. SQLite: one writer at a time.
            const updated = await trx
              .updateTable('notifier_change_digests')
              .set({ version: expected + 1, digest: text, updated_at: now })
              .where('source', '=', source)
              .where('version', '=', expected)
              .executeTakeFirst()
            if (Number(updated.numUpdatedRows) !== 1) throw new LostRace()
          }
          if (notifications.length > 0) {
            await enqueueReminders(trx, changeDoc(source), notifications, now)
          }
        })
        return true
      } catch (error) {
        if (error instanceof LostRace) return false
        throw error
      }
    },
    async baselineAt() {
      const stored = await get(BASELINE)
      const at = (stored?.digest as { at?: unknown } | undefined)?.at
      return typeof at === 'number' ? at : undefined
    },
    async markBaseline(now) {
      await db
        .insertInto('notifier_change_digests')
        .values({
          source: BASELINE,
          version: 1,
          digest: JSON.stringify({ at: now }),
          updated_at: now,
        })
        .onConflict((conflict) => conflict.column('source').doNothing())
        .execute()
    },
  }
}
