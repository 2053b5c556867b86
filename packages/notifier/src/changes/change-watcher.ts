// Finds changes worth telling people about by comparing a doc's current
// snapshot with the digest recorded last time, and schedules the
// notifications with the new digest in one step. Calendar docs tell their
// members about new, moved and cancelled events; event docs tell a member
// about a task assigned to them or a seat confirmed for them.
//
// Order matters for several replicas: the digest is read before the doc, so
// the snapshot is at least as new as the one behind the digest, and the
// digest is recorded only if nobody recorded another meanwhile (else the doc
// is looked at again). A doc never seen is recorded without notifying while
// the notifier learns what exists (its first full pass, after an upgrade);
// after that pass an unseen doc is new and everything in it is news.
import { calendarDocName, eventDocName, parseDocName, prefsDocName } from '@plansync/protocol'
import { eventsOf, readEvent, readEvents, readTasks } from '@plansync/schema'
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import type { Clock } from '../channels/clock.ts'
import type { DocReader } from '../service/doc-reader.ts'
import type { CalendarRecipients, RecipientDirectory } from '../service/recipients.ts'
import {
  diffCalendar,
  digestCalendar,
  EMPTY_CALENDAR_DIGEST,
  parseCalendarDigest,
} from './calendar-changes.ts'
import {
  type ChangeRecipient,
  calendarNotifications,
  eventDocNotifications,
} from './change-notifications.ts'
import type { ChangeDigestStore, StoredDigest } from './digest-store.ts'
import {
  diffEventDoc,
  digestEventDoc,
  EMPTY_EVENT_DOC_DIGEST,
  parseEventDocDigest,
} from './event-changes.ts'

type Member = CalendarRecipients['members'][number]

export interface ChangeWatcherOptions {
  reader: DocReader
  recipients: RecipientDirectory
  digests: ChangeDigestStore
  /** The channels a member gets notifications on, given their prefs doc. */
  channelsFor: (member: Member, prefs: Y.Doc) => string[]
  clock: Clock
  logger: Logger
  /** Changes to one doc within this long are compared (and announced) as one batch. */
  debounceMs: number
  /** Above this many changes in one batch, each recipient gets one summary. */
  summaryAbove: number
  /** A comparison or full pass that failed is tried again after this long. */
  retryMs: number
  appUrl?: string
}

export class ChangeWatcher {
  #options: ChangeWatcherOptions
  #pending = new Map<string, ReturnType<typeof setTimeout>>()
  #running = new Map<string, Promise<void>>()
  #retry: ReturnType<typeof setTimeout> | undefined
  #pass: Promise<void> | undefined
  #baseline = false
  #closed = false

  constructor(options: ChangeWatcherOptions) {
    this.#options = options
  }

  /** A doc changed: compare it soon (calendar and event docs; others are ignored). */
  changed(docName: string): void {
    const kind = parseDocName(docName)?.kind
    if (kind === 'calendar' || kind === 'event') this.#soon(docName)
  }

  /** Compares one doc now (after any comparison of it already running). */
  check(docName: string): Promise<void> {
    const previous = this.#running.get(docName) ?? Promise.resolve()
    const next = previous.catch(() => {}).then(() => this.#check(docName))
    this.#running.set(docName, next)
    void next
      .finally(() => {
        if (this.#running.get(docName) === next) this.#running.delete(docName)
      })
      .catch(() => {})
    return next
  }

  /**
   * Compares every calendar and registered event (at start and after a gap
   * in the change feed) in the background; once a pass has gone through
   * without an error, docs never seen count as new. A failed pass is retried.
   */
  compareAll(): void {
    if (this.#closed || this.#pass) return
    clearTimeout(this.#retry)
    this.#pass = this.#compareAll()
      .catch((error: unknown) => {
        this.#options.logger.error({ err: error }, 'comparing every doc failed; will retry')
        this.#retry = setTimeout(() => this.compareAll(), this.#options.retryMs)
        this.#retry.unref()
      })
      .finally(() => {
        this.#pass = undefined
      })
  }

  /** Resolves when the running full pass (if any) is done. */
  async settled(): Promise<void> {
    await this.#pass
  }

  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#retry)
    for (const timer of this.#pending.values()) clearTimeout(timer)
    this.#pending.clear()
    await this.#pass
    await Promise.allSettled([...this.#running.values()])
  }

  /** Compares the doc after `delayMs`; a comparison that fails is tried again later. */
  #soon(docName: string, delayMs = this.#options.debounceMs): void {
    if (this.#closed || this.#pending.has(docName)) return
    const timer = setTimeout(() => {
      this.#pending.delete(docName)
      this.check(docName).catch((error: unknown) => {
        this.#options.logger.error(
          { err: error, doc: docName },
          'comparing a doc failed; will retry',
        )
        this.#soon(docName, this.#options.retryMs)
      })
    }, delayMs)
    timer.unref()
    this.#pending.set(docName, timer)
  }

  async #compareAll(): Promise<void> {
    const { recipients, digests, clock, logger } = this.#options
    const names = [
      ...(await recipients.calendarIds()).map(calendarDocName),
      ...(await recipients.eventIds()).map(eventDocName),
    ]
    let failed = 0
    for (const name of names) {
      if (this.#closed) return
      await this.check(name).catch((error: unknown) => {
        failed++
        logger.warn({ err: error, doc: name }, 'comparing a doc failed')
      })
    }
    if (failed > 0) throw new Error(`${failed} of ${names.length} docs could not be compared`)
    if (!(await this.#baselineReady())) {
      await digests.markBaseline(clock.now())
      this.#baseline = true
      logger.info({ docs: names.length }, 'every doc compared once: unseen docs are new from now')
    }
  }

  async #baselineReady(): Promise<boolean> {
    this.#baseline ||= (await this.#options.digests.baselineAt()) !== undefined
    return this.#baseline
  }

  async #check(docName: string): Promise<void> {
    if (this.#closed) return
    const ref = parseDocName(docName)
    if (!ref || (ref.kind !== 'calendar' && ref.kind !== 'event')) return
    const baseline = await this.#baselineReady()
    const stored = await this.#options.digests.get(docName)
    const doc = await this.#options.reader.read(docName)
    try {
      if (ref.kind === 'calendar') await this.#checkCalendar(ref.id, doc, stored, baseline)
      else await this.#checkEvent(ref.id, doc, stored, baseline)
    } finally {
      doc.destroy()
    }
  }

  async #checkCalendar(
    calendarId: string,
    doc: Y.Doc,
    stored: StoredDigest | undefined,
    baseline: boolean,
  ): Promise<void> {
    const source = calendarDocName(calendarId)
    const current = digestCalendar(doc)
    const previous = stored && parseCalendarDigest(stored.digest)
    // Seen before in a form this version cannot read, or before the baseline: learn it quietly.
    if (!previous && (stored || !baseline)) {
      return this.#record(source, stored, { v: 1, events: current.events }, [])
    }
    const { changes, digest } = diffCalendar(previous ?? EMPTY_CALENDAR_DIGEST, current)
    if (changes.length === 0) {
      if (!previous || JSON.stringify(previous) !== JSON.stringify(digest)) {
        await this.#record(source, stored, digest, [])
      }
      return
    }
    const who = await this.#options.recipients.recipientsOf(calendarId)
    if (!who) return // the calendar is gone: nobody to tell
    const notifications = calendarNotifications({
      ...this.#batch(source, stored, who),
      events: new Map(readEvents(doc).map((event) => [event.id, event])),
      changes,
      recipients: await this.#withChannels(who.members),
    })
    this.#options.logger.debug(
      { doc: source, changes: changes.length, notifications: notifications.length },
      'calendar changes',
    )
    await this.#record(source, stored, digest, notifications)
  }

  async #checkEvent(
    eventId: string,
    doc: Y.Doc,
    stored: StoredDigest | undefined,
    baseline: boolean,
  ): Promise<void> {
    const source = eventDocName(eventId)
    const current = digestEventDoc(doc)
    const previous = stored && parseEventDocDigest(stored.digest)
    if (!previous && (stored || !baseline)) return this.#record(source, stored, current, [])
    const { changes, digest } = diffEventDoc(previous ?? EMPTY_EVENT_DOC_DIGEST, current)
    const who =
      changes.length > 0 ? await this.#options.recipients.recipientsOfEvent(eventId) : null
    if (!who) {
      // Nothing to tell, or nobody to tell it to (an event no longer registered).
      if (!previous || JSON.stringify(previous) !== JSON.stringify(digest)) {
        await this.#record(source, stored, digest, [])
      }
      return
    }
    const concerned = new Set(changes.map((change) => change.userId))
    const members = who.members.filter((member) => concerned.has(member.userId))
    const calendar = await this.#options.reader.read(calendarDocName(who.calendar.id))
    try {
      const recipients = await this.#withChannels(members)
      const notifications = eventDocNotifications({
        ...this.#batch(source, stored, who),
        eventId,
        event: readEvent(eventId, eventsOf(calendar).get(eventId)),
        tasks: new Map(readTasks(doc).map((task) => [task.id, task])),
        changes,
        recipients: new Map(recipients.map((recipient) => [recipient.userId, recipient])),
      })
      await this.#record(source, stored, digest, notifications)
    } finally {
      calendar.destroy()
    }
  }

  #batch(source: string, stored: StoredDigest | undefined, who: CalendarRecipients) {
    const { clock, appUrl, summaryAbove } = this.#options
    return {
      source,
      version: (stored?.version ?? 0) + 1,
      calendar: { id: who.calendar.id, name: who.calendar.name },
      now: clock.now(),
      summaryAbove,
      ...(appUrl ? { appUrl } : {}),
    }
  }

  async #withChannels(members: readonly Member[]): Promise<ChangeRecipient[]> {
    const out: ChangeRecipient[] = []
    for (const member of members) {
      const prefs = await this.#options.reader.read(prefsDocName(member.userId))
      try {
        const channels = this.#options.channelsFor(member, prefs)
        if (channels.length > 0) {
          out.push({
            userId: member.userId,
            displayName: member.displayName,
            email: member.email,
            channels,
          })
        }
      } finally {
        prefs.destroy()
      }
    }
    return out
  }

  async #record(
    source: string,
    stored: StoredDigest | undefined,
    digest: unknown,
    notifications: Parameters<ChangeDigestStore['record']>[1]['notifications'],
  ): Promise<void> {
    const recorded = await this.#options.digests.record(source, {
      expected: stored?.version,
      digest,
      notifications,
      now: this.#options.clock.now(),
    })
    // Another replica recorded this doc meanwhile: look again, from its digest.
    if (!recorded) this.#soon(source)
  }
}
