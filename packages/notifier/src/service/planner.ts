// Keeps the schedule in step with the docs: when a calendar doc changes (or a
// member's prefs doc, which holds their own reminders), it reads the current
// snapshots, plans the reminders due between a little before now and the
// horizon, and makes the schedule match. Plans of one calendar run one at a
// time and a burst of changes makes one plan. A full re-plan (after a restart,
// a gap in the change feed, and periodically, as time moves the horizon)
// covers every calendar.
import { parseDocName, prefsDocName } from '@plansync/protocol'
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import type { Clock } from '../channels/clock.ts'
import type { ReminderSchedule } from '../schedule/types.ts'
import type { DocReader } from './doc-reader.ts'
import type { NotifierMetrics } from './metrics.ts'
import { type PlanMember, planReminders } from './plan-reminders.ts'
import type { CalendarRecipients, RecipientDirectory } from './recipients.ts'

export interface PlannerOptions {
  reader: DocReader
  recipients: RecipientDirectory
  schedule: ReminderSchedule
  clock: Clock
  logger: Logger
  metrics: NotifierMetrics
  /** The channels a member gets reminders on, given their prefs doc. */
  channelsFor: (member: CalendarRecipients['members'][number], prefs: Y.Doc) => string[]
  /** How far ahead reminders are planned; a periodic full re-plan moves it along. */
  horizonMs: number
  /** Plans start this far in the past, so a reminder due just now is not dropped. */
  lookBackMs: number
  debounceMs: number
  appUrl?: string
}

export class Planner {
  #options: PlannerOptions
  #pending = new Map<string, ReturnType<typeof setTimeout>>()
  #running = new Map<string, Promise<void>>()
  /** Calendars each user was a member of at their last plan (for prefs changes). */
  #calendarsOf = new Map<string, Set<string>>()
  #closed = false

  constructor(options: PlannerOptions) {
    this.#options = options
  }

  /** A doc changed: re-plan the calendars it affects, soon. */
  changed(docName: string): void {
    const ref = parseDocName(docName)
    if (ref?.kind === 'calendar') this.#soon(ref.id)
    else if (ref?.kind === 'prefs') {
      for (const calendarId of this.#calendarsOf.get(ref.id) ?? []) this.#soon(calendarId)
    }
  }

  /** Re-plans every calendar now; resolves when done. */
  async planAll(): Promise<void> {
    const ids = await this.#options.recipients.calendarIds()
    for (const id of ids) await this.plan(id)
    this.#options.logger.info({ calendars: ids.length }, 'planned every calendar')
  }

  /** Plans one calendar now (after any plan of it already running). */
  plan(calendarId: string): Promise<void> {
    const previous = this.#running.get(calendarId) ?? Promise.resolve()
    const next = previous.then(() => this.#plan(calendarId))
    this.#running.set(calendarId, next)
    void next.finally(() => {
      if (this.#running.get(calendarId) === next) this.#running.delete(calendarId)
    })
    return next
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const timer of this.#pending.values()) clearTimeout(timer)
    this.#pending.clear()
    await Promise.allSettled([...this.#running.values()])
  }

  #soon(calendarId: string): void {
    if (this.#closed || this.#pending.has(calendarId)) return
    const timer = setTimeout(() => {
      this.#pending.delete(calendarId)
      this.plan(calendarId).catch((error: unknown) => {
        this.#options.logger.error({ err: error, calendar: calendarId }, 'planning failed')
      })
    }, this.#options.debounceMs)
    timer.unref()
    this.#pending.set(calendarId, timer)
  }

  async #plan(calendarId: string): Promise<void> {
    const { reader, recipients, schedule, clock, metrics, logger } = this.#options
    const docName = `calendar:${calendarId}`
    const now = clock.now()
    const who = await recipients.recipientsOf(calendarId)
    if (!who) {
      // The calendar is gone: nothing of it may fire any more.
      await schedule.upsertForDoc(docName, [], now)
      return
    }
    const calendar = await reader.read(docName)
    const members: PlanMember[] = []
    for (const member of who.members) {
      const calendars = this.#calendarsOf.get(member.userId) ?? new Set<string>()
      calendars.add(calendarId)
      this.#calendarsOf.set(member.userId, calendars)
      const prefs = await reader.read(prefsDocName(member.userId))
      members.push({
        userId: member.userId,
        displayName: member.displayName,
        email: member.email,
        prefs,
        channels: this.#options.channelsFor(member, prefs),
      })
    }
    const reminders = planReminders({
      calendarName: who.calendar.name,
      calendar,
      members,
      from: now - this.#options.lookBackMs,
      to: now + this.#options.horizonMs,
      ...(this.#options.appUrl ? { appUrl: this.#options.appUrl } : {}),
    })
    const result = await schedule.upsertForDoc(docName, reminders, now)
    metrics.planned.inc()
    logger.debug({ calendar: calendarId, ...result }, 'planned reminders')
  }
}
