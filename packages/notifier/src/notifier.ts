// The notifier as one object: the change feed drives the planner (which
// keeps the reminder schedule in step with the docs) and the change watcher
// (which schedules change notifications), the invite poller schedules
// invitations, the dispatcher sends what is due. Embedded mode and the
// notifier process both build it here.
import { type NotificationPrefs, readNotificationPrefs } from '@plansync/schema'
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import { ChangeWatcher } from './changes/change-watcher.ts'
import type { ChangeDigestStore } from './changes/digest-store.ts'
import { InvitePoller } from './changes/invite-poller.ts'
import type { InviteNoticeSource } from './changes/invite-source.ts'
import { type Clock, systemClock } from './channels/clock.ts'
import type { DeliveryChannel } from './channels/types.ts'
import type { ReminderSchedule } from './schedule/types.ts'
import type { ChangeFeed } from './service/change-feed.ts'
import { Dispatcher } from './service/dispatcher.ts'
import type { DocReader } from './service/doc-reader.ts'
import { createNotifierMetrics, type NotifierMetrics } from './service/metrics.ts'
import { Planner } from './service/planner.ts'
import type { RecipientDirectory } from './service/recipients.ts'

export interface NotifierOptions {
  /** This replica's name: the lease owner of the reminders it claims. */
  instanceId: string
  schedule: ReminderSchedule
  feed: ChangeFeed
  reader: DocReader
  recipients: RecipientDirectory
  /** The channels this deployment can deliver on. */
  channels: readonly DeliveryChannel[]
  logger: Logger
  clock?: Clock
  appUrl?: string
  /** How far ahead reminders are planned (default 7 days). */
  horizonMs?: number
  /** A full re-plan this often, moving the horizon along (default 1 hour). */
  replanEveryMs?: number
  /** Plans start this far back, so a reminder due just now is not dropped (default 15 min). */
  lookBackMs?: number
  /** The schedule is polled this often (default 1 s). */
  pollMs?: number
  /** Where digests of compared docs are kept; without it no change notifications are made. */
  digests?: ChangeDigestStore
  /** Invites to tell invitees about; without it no invitations are sent. */
  invites?: InviteNoticeSource
  /** Invite notices are taken this often (default 2 s). */
  invitePollMs?: number
  /** Changes to one doc within this long make one batch of notifications (default 1 s). */
  changeBatchMs?: number
}

export interface Notifier {
  /**
   * This process wrote `docName` (a subscription import, an inbox entry):
   * neither change feed echoes a process's own writes back to it.
   */
  docChanged(docName: string): void
  readonly metrics: NotifierMetrics
  readonly planner: Planner
  readonly changes: ChangeWatcher | undefined
  readonly dispatcher: Dispatcher
  close(): Promise<void>
}

const HOUR = 3_600_000

export async function startNotifier(options: NotifierOptions): Promise<Notifier> {
  const clock = options.clock ?? systemClock
  const logger = options.logger
  const metrics = createNotifierMetrics(options.schedule)
  const channelNames = new Set(options.channels.map((channel) => channel.name))
  const channelsFor = (user: { email: string | null }, prefs: Y.Doc) =>
    channelsOf(user, readNotificationPrefs(prefs), channelNames)
  const planner = new Planner({
    reader: options.reader,
    recipients: options.recipients,
    schedule: options.schedule,
    clock,
    logger: logger.child({ module: 'planner' }),
    metrics,
    channelsFor,
    horizonMs: options.horizonMs ?? 7 * 24 * HOUR,
    lookBackMs: options.lookBackMs ?? 15 * 60_000,
    debounceMs: 200,
    ...(options.appUrl ? { appUrl: options.appUrl } : {}),
  })
  const dispatcher = new Dispatcher({
    schedule: options.schedule,
    channels: new Map(options.channels.map((channel) => [channel.name, channel])),
    owner: options.instanceId,
    clock,
    logger: logger.child({ module: 'dispatcher' }),
    metrics,
    intervalMs: options.pollMs ?? 1000,
    batchSize: 50,
    leaseMs: 2 * 60_000,
    retry: { baseDelayMs: 5_000, maxDelayMs: 15 * 60_000 },
  })
  const changes = options.digests
    ? new ChangeWatcher({
        reader: options.reader,
        recipients: options.recipients,
        digests: options.digests,
        channelsFor,
        clock,
        logger: logger.child({ module: 'changes' }),
        debounceMs: options.changeBatchMs ?? 1000,
        summaryAbove: 5,
        retryMs: 60_000,
        ...(options.appUrl ? { appUrl: options.appUrl } : {}),
      })
    : undefined
  const invites = options.invites
    ? new InvitePoller({
        source: options.invites,
        schedule: options.schedule,
        reader: options.reader,
        channelsFor,
        clock,
        logger: logger.child({ module: 'invites' }),
        intervalMs: options.invitePollMs ?? 2000,
      })
    : undefined
  const planAll = () =>
    planner.planAll().catch((error: unknown) => {
      logger.error({ err: error }, 'full re-plan failed; the next one tries again')
    })
  const docChanged = (docName: string) => {
    planner.changed(docName)
    changes?.changed(docName)
  }
  await options.feed.start({
    onChange: docChanged,
    onResync: () => {
      void planAll()
      changes?.compareAll()
    },
  })
  await planAll()
  changes?.compareAll()
  invites?.start()
  dispatcher.start()
  const replan = setInterval(planAll, options.replanEveryMs ?? HOUR)
  replan.unref()
  return {
    docChanged,
    metrics,
    planner,
    changes,
    dispatcher,
    async close() {
      clearInterval(replan)
      await options.feed.close()
      await invites?.close()
      await changes?.close()
      await planner.close()
      await dispatcher.close()
      for (const channel of options.channels) await channel.close()
    },
  }
}

/** What the user chose in their prefs doc (quiet defaults: in-app only), where it can be delivered. */
function channelsOf(
  member: { email: string | null },
  prefs: NotificationPrefs,
  available: ReadonlySet<string>,
): string[] {
  const channels: string[] = []
  if (prefs.inApp) channels.push('in-app')
  if (prefs.email && member.email) channels.push('email')
  if (prefs.webhook) channels.push('webhook')
  return channels.filter((name) => available.has(name))
}
