// Sends what the schedule says is due: claims a batch under a lease (so
// several replicas never send one reminder twice), hands each to its
// channel with its idempotency key, and records the outcome. A retryable
// failure goes back to the schedule with a retry time (the channel's
// Retry-After, or backoff by attempt); a permanent one fails for good.
import type { Logger } from 'pino'
import type { Clock } from '../channels/clock.ts'
import { backoffDelay } from '../channels/retry.ts'
import type { DeliveryChannel, DeliveryResult, Notification } from '../channels/types.ts'
import type { ReminderSchedule, ScheduledReminder } from '../schedule/types.ts'
import type { NotifierMetrics } from './metrics.ts'

export interface DispatcherOptions {
  schedule: ReminderSchedule
  /** By channel name (`in-app`, `email`, `webhook`). */
  channels: ReadonlyMap<string, DeliveryChannel>
  /** This replica's name: the lease owner of what it claims. */
  owner: string
  clock: Clock
  logger: Logger
  metrics: NotifierMetrics
  /** How often the schedule is polled. */
  intervalMs: number
  batchSize: number
  /** How long a claim lasts: well above the slowest channel's timeout. */
  leaseMs: number
  retry: { baseDelayMs: number; maxDelayMs: number }
}

export class Dispatcher {
  #options: DispatcherOptions
  #timer: ReturnType<typeof setTimeout> | undefined
  #running: Promise<void> | undefined
  #abort = new AbortController()
  #stopped = false

  constructor(options: DispatcherOptions) {
    this.#options = options
  }

  start(): void {
    this.#schedule(0)
  }

  /** One round: claims what is due now and sends it; resolves with how many were claimed. */
  async tick(): Promise<number> {
    const { schedule, owner, clock, batchSize, leaseMs, metrics, logger } = this.#options
    const now = clock.now()
    const { claimed, missed } = await schedule.claimDue(now, owner, batchSize, leaseMs)
    if (missed.length > 0) {
      metrics.missed.inc(missed.length)
      logger.warn({ missed: missed.length }, 'reminders past the grace window recorded as missed')
    }
    await Promise.all(claimed.map((reminder) => this.#deliver(reminder)))
    return claimed.length
  }

  /** Stops polling, aborts sends in flight (they are retried by whoever claims them next). */
  async close(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#abort.abort()
    await this.#running
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return
    this.#timer = setTimeout(() => {
      this.#running = this.tick()
        .then((claimed) =>
          this.#schedule(claimed >= this.#options.batchSize ? 0 : this.#options.intervalMs),
        )
        .catch((error: unknown) => {
          this.#options.logger.error({ err: error }, 'dispatch round failed')
          this.#schedule(this.#options.intervalMs)
        })
    }, delayMs)
    this.#timer.unref()
  }

  async #deliver(reminder: ScheduledReminder): Promise<void> {
    const { schedule, owner, clock, metrics, logger } = this.#options
    const channel = this.#options.channels.get(reminder.channel)
    const result: DeliveryResult = channel
      ? await channel.send(reminder.payload as unknown as Notification, {
          idempotencyKey: reminder.key,
          signal: this.#abort.signal,
        })
      : {
          status: 'permanent',
          code: 'invalid-recipient',
          message: `no ${reminder.channel} channel`,
        }
    const now = clock.now()
    const labels = { channel: reminder.channel }
    if (result.status === 'delivered') {
      if (await schedule.markSent(reminder.key, owner, now)) {
        metrics.sent.inc(labels)
        metrics.lagSeconds.observe(labels, Math.max(0, now - reminder.dueAt) / 1000)
      } else {
        // The lease ran out mid-send and another replica took the row: it may
        // send again, with the same idempotency key for the receiver to drop.
        logger.warn({ key: reminder.key }, 'sent after the claim expired')
      }
      return
    }
    const retryAt =
      result.status === 'retryable'
        ? now +
          (result.retryAfterMs ??
            backoffDelay(
              reminder.attempts,
              this.#options.retry.baseDelayMs,
              this.#options.retry.maxDelayMs,
              Math.random,
            ))
        : undefined
    if (retryAt === undefined) metrics.failed.inc(labels)
    else metrics.retried.inc(labels)
    logger.warn(
      { key: reminder.key, channel: reminder.channel, code: result.code, retryAt },
      `delivery ${retryAt === undefined ? 'failed' : 'will be retried'}: ${result.message}`,
    )
    await schedule.markFailed(reminder.key, owner, {
      now,
      error: `${result.code}: ${result.message}`,
      ...(retryAt === undefined ? {} : { retryAt }),
    })
  }
}
