// Tells invited users about their invite: every few seconds it takes the
// auth API's invite notices, schedules an `invited` notification (with the
// link) on each channel the invitee chose, keyed by the invite id, and then
// acknowledges them. A crash between the two, or two replicas taking the
// same notices, schedules the same keys again, which the schedule keeps
// once. Invites revoked, answered or expired before they were taken, and
// invites to oneself, are acknowledged without a notification.
import { prefsDocName } from '@plansync/protocol'
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import type { Clock } from '../channels/clock.ts'
import type { JsonValue, Notification } from '../channels/types.ts'
import type { ReminderInput, ReminderSchedule } from '../schedule/types.ts'
import type { DocReader } from '../service/doc-reader.ts'
import { oneLine } from '../service/text.ts'
import { changeDoc } from './digest-store.ts'
import type { InviteNotice, InviteNoticeSource } from './invite-source.ts'

export interface InvitePollerOptions {
  source: InviteNoticeSource
  schedule: Pick<ReminderSchedule, 'enqueue'>
  reader: DocReader
  /** The channels a user gets notifications on, given their prefs doc. */
  channelsFor: (user: { email: string | null }, prefs: Y.Doc) => string[]
  clock: Clock
  logger: Logger
  intervalMs: number
}

const BATCH = 100

export class InvitePoller {
  #options: InvitePollerOptions
  #timer: ReturnType<typeof setTimeout> | undefined
  #running: Promise<void> | undefined
  #closed = false

  constructor(options: InvitePollerOptions) {
    this.#options = options
  }

  start(): void {
    // While the auth API is away, polls back off (up to a minute) and log once per streak.
    let failures = 0
    const tick = () => {
      if (this.#closed) return
      this.#running = this.poll()
        .then(() => {
          if (failures > 0) this.#options.logger.info('taking invite notices works again')
          failures = 0
        })
        .catch((error: unknown) => {
          if (failures === 0) {
            this.#options.logger.warn({ err: error }, 'taking invite notices failed; will retry')
          }
          failures++
        })
        .finally(() => {
          if (this.#closed) return
          const delay = Math.min(this.#options.intervalMs * 2 ** failures, 60_000)
          this.#timer = setTimeout(tick, Math.max(delay, this.#options.intervalMs))
          this.#timer.unref()
        })
    }
    tick()
  }

  /** Takes every waiting notice now; resolves with how many notifications were scheduled. */
  async poll(): Promise<number> {
    let scheduled = 0
    for (;;) {
      const notices = await this.#options.source.list(BATCH)
      const rows: ReminderInput[] = []
      for (const notice of notices) rows.push(...(await this.#rowsFor(notice)))
      if (rows.length > 0) {
        scheduled += await this.#options.schedule.enqueue(
          changeDoc('invites'),
          rows,
          this.#options.clock.now(),
        )
      }
      await this.#options.source.ack(notices.map((notice) => notice.inviteId))
      if (notices.length < BATCH || this.#closed) return scheduled
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#timer)
    await this.#running
  }

  async #rowsFor(notice: InviteNotice): Promise<ReminderInput[]> {
    const now = this.#options.clock.now()
    const { invitee, inviter } = notice
    if (notice.status !== 'pending' || notice.expiresAt <= now) return []
    if (inviter?.userId === invitee.userId) return []
    const prefs = await this.#options.reader.read(prefsDocName(invitee.userId))
    let channels: string[]
    try {
      channels = this.#options.channelsFor(invitee, prefs)
    } finally {
      prefs.destroy()
    }
    const notification = inviteNotification(notice, now)
    return channels.map((channel) => ({
      eventId: notice.inviteId,
      occurrence: 'invite',
      reminderId: 'invited',
      recipient: invitee.userId,
      channel,
      dueAt: now,
      payload: notification as unknown as JsonValue,
    }))
  }
}

export function inviteNotification(notice: InviteNotice, now: number): Notification {
  const by = notice.inviter
    ? oneLine(notice.inviter.displayName || notice.inviter.username, 80)
    : 'Someone'
  const calendar = oneLine(notice.calendarName, 120) || 'a calendar'
  const until = new Date(notice.expiresAt).toISOString().slice(0, 10)
  return {
    kind: 'invited',
    recipient: {
      userId: notice.invitee.userId,
      name: notice.invitee.displayName,
      ...(notice.invitee.email ? { email: notice.invitee.email } : {}),
    },
    title: `${by} invited you to ${calendar}`,
    body: `${by} invited you to the calendar ${calendar} as ${notice.role === 'editor' ? 'an editor' : 'a viewer'}. Open the link to accept or decline; it works until ${until}.`,
    url: notice.link,
    createdAt: now,
    data: {
      inviteId: notice.inviteId,
      calendarId: notice.calendarId,
      role: notice.role,
      expiresAt: notice.expiresAt,
    },
  }
}
