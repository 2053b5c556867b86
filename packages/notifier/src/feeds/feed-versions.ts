// What SEQUENCE and DTSTAMP an event gets in feeds: remembered per event, so
// unchanged data renders byte-identically and calendar apps see a higher
// SEQUENCE when the time, place or recurrence of an event changed.
import { createHash } from 'node:crypto'
import type { EventSummary } from '@plansync/schema'
import type { Kysely } from 'kysely'
import type { ScheduleDatabase } from '../schedule/schema.ts'

export interface EventVersion {
  sequence: number
  /** Epoch ms: when its current content was first seen. */
  stamp: number
}

export interface FeedVersionStore {
  /**
   * When a feed's body (by its hash) last changed: for Last-Modified, which
   * must move when an event is deleted too, not only when one changes.
   */
  changedAt(feedId: string, bodyHash: string, now: number): Promise<number>
  /** The versions of a calendar's events now, recording changes since the last call. */
  versionsOf(
    calendarId: string,
    events: readonly EventSummary[],
    now: number,
  ): Promise<Map<string, EventVersion>>
}

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex')

/** What makes a calendar app re-schedule an event: time, place, recurrence. */
function scheduleOf(event: EventSummary) {
  const { allDay, start, end, timeZone, rrule, exdates, location, status } = event
  const overrides = Object.entries(event.overrides)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, fields]) => [id, fields.start, fields.end, fields.location, fields.status])
  return [allDay, start, end, timeZone, rrule, [...exdates].sort(), location, status, overrides]
}

export function createFeedVersionStore(db: Kysely<ScheduleDatabase>): FeedVersionStore {
  return {
    async changedAt(feedId, bodyHash, now) {
      // Kept beside the event versions: calendar id `feed:<id>`, event id ''.
      const key = { calendar_id: `feed:${feedId}`, event_id: '' }
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('notifier_feed_versions')
          .select(['content_hash', 'stamp'])
          .where('calendar_id', '=', key.calendar_id)
          .where('event_id', '=', key.event_id)
          .executeTakeFirst()
        if (row?.content_hash === bodyHash) return Number(row.stamp)
        const values = { schedule_hash: '', content_hash: bodyHash, sequence: 0, stamp: now }
        if (row) {
          await trx
            .updateTable('notifier_feed_versions')
            .set(values)
            .where('calendar_id', '=', key.calendar_id)
            .where('event_id', '=', key.event_id)
            .execute()
        } else {
          await trx
            .insertInto('notifier_feed_versions')
            .values({ ...key, ...values })
            .onConflict((conflict) => conflict.columns(['calendar_id', 'event_id']).doNothing())
            .execute()
        }
        return now
      })
    },
    async versionsOf(calendarId, events, now) {
      return db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom('notifier_feed_versions')
          .selectAll()
          .where('calendar_id', '=', calendarId)
          .execute()
        const known = new Map(rows.map((row) => [row.event_id, row]))
        const versions = new Map<string, EventVersion>()
        for (const event of events) {
          const scheduleHash = hash(scheduleOf(event))
          const contentHash = hash(event)
          const row = known.get(event.id)
          if (row && row.content_hash === contentHash) {
            versions.set(event.id, { sequence: Number(row.sequence), stamp: Number(row.stamp) })
            continue
          }
          const version = {
            sequence: !row
              ? 0
              : Number(row.sequence) + (row.schedule_hash === scheduleHash ? 0 : 1),
            stamp: now,
          }
          versions.set(event.id, version)
          const values = {
            schedule_hash: scheduleHash,
            content_hash: contentHash,
            sequence: version.sequence,
            stamp: version.stamp,
          }
          if (row) {
            await trx
              .updateTable('notifier_feed_versions')
              .set(values)
              .where('calendar_id', '=', calendarId)
              .where('event_id', '=', event.id)
              .execute()
          } else {
            await trx
              .insertInto('notifier_feed_versions')
              .values({ calendar_id: calendarId, event_id: event.id, ...values })
              // Another replica recorded it first: its version stands.
              .onConflict((conflict) => conflict.columns(['calendar_id', 'event_id']).doNothing())
              .execute()
          }
        }
        return versions
      })
    },
  }
}
