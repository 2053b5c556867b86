// Keeps subscribed calendars in step with their ICS URLs: every interval it
// fetches each subscription (conditionally), imports the file into the
// calendar doc through the doc writer (storage first, then the sync
// servers), with the subscription's own id prefix so its events update in
// place and those the file dropped go, and reports the outcome in plain
// words. A bad file changes nothing. With several notifier replicas each
// refreshes too: the import is idempotent (an unchanged event is not
// written), so the cost is a duplicate fetch, not duplicate events.
import { createHash } from 'node:crypto'
import { calendarDocName } from '@plansync/protocol'
import { IcsImportError, importIcs } from '@plansync/schema'
import type { Logger } from 'pino'
import type { Clock } from '../channels/clock.ts'
import type { DocWriter } from '../service/doc-writer.ts'
import { FetchRefused, fetchIcs } from './fetch-ics.ts'
import type { Subscription, SubscriptionSource } from './subscription-source.ts'

export interface SubscriberOptions {
  source: SubscriptionSource
  writer: DocWriter
  clock: Clock
  logger: Logger
  intervalMs: number
  /** Tests on loopback only; production refuses private and local addresses. */
  allowPrivate?: boolean
  maxBytes?: number
  timeoutMs?: number
}

export class Subscriber {
  #options: SubscriberOptions
  #validators = new Map<string, { url: string; etag?: string; lastModified?: string }>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #running: Promise<void> | undefined
  #closed = false

  constructor(options: SubscriberOptions) {
    this.#options = options
  }

  start(): void {
    const tick = () => {
      if (this.#closed) return
      this.#running = this.refreshAll()
        .catch((error: unknown) =>
          this.#options.logger.warn({ err: error }, 'subscription round failed'),
        )
        .finally(() => {
          this.#timer = setTimeout(tick, this.#options.intervalMs)
          this.#timer.unref()
        })
    }
    tick()
  }

  async refreshAll(): Promise<void> {
    for (const subscription of await this.#options.source.list()) {
      if (this.#closed) return
      await this.refresh(subscription)
    }
  }

  /** Fetches and imports one subscription; resolves with the error text, or null when it worked. */
  async refresh(subscription: Subscription): Promise<string | null> {
    const { writer, source, clock, logger } = this.#options
    const known = this.#validators.get(subscription.id)
    const validators = known?.url === subscription.url ? known : undefined
    let error: string | null = null
    try {
      const fetched = await fetchIcs(subscription.url, {
        allowPrivate: this.#options.allowPrivate ?? false,
        maxBytes: this.#options.maxBytes ?? 2 * 1024 * 1024,
        timeoutMs: this.#options.timeoutMs ?? 10_000,
        ...(validators?.etag ? { etag: validators.etag } : {}),
        ...(validators?.lastModified ? { lastModified: validators.lastModified } : {}),
      })
      if (fetched.status === 'changed') {
        const result = await writer.change(calendarDocName(subscription.calendarId), (doc) =>
          importIcs(doc, fetched.text, {
            defaultTimeZone: subscription.timeZone,
            idPrefix: prefixOf(subscription.id),
            removeMissing: true,
          }),
        )
        this.#validators.set(subscription.id, {
          url: subscription.url,
          ...(fetched.etag ? { etag: fetched.etag } : {}),
          ...(fetched.lastModified ? { lastModified: fetched.lastModified } : {}),
        })
        logger.debug({ subscription: subscription.id, ...result }, 'subscription imported')
      }
    } catch (caught) {
      error =
        caught instanceof IcsImportError || caught instanceof FetchRefused
          ? caught.message
          : `the URL could not be fetched (${(caught as Error).message})`
      logger.info({ subscription: subscription.id, error }, 'subscription not imported')
    }
    await source.report(subscription.id, { at: clock.now(), error: error?.slice(0, 1000) ?? null })
    return error
  }

  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#timer)
    await this.#running
  }
}

/** Event ids of one subscription: `sub-` and a short hash of its id (ids stay under 64 characters). */
export function prefixOf(subscriptionId: string): string {
  return `sub-${createHash('sha256').update(subscriptionId).digest('base64url').slice(0, 10)}-`
}
