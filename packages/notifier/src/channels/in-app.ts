// In-app delivery: the notification becomes an unread item in the user's
// inbox, keyed by the idempotency key so a retry never shows it twice.
import type { InboxStore } from './inbox-store.ts'
import { delivered, resultOfError, retryable } from './results.ts'
import type { DeliveryChannel } from './types.ts'
import { assertNotification } from './validate.ts'

export function createInAppChannel(options: { store: InboxStore }): DeliveryChannel {
  const { store } = options
  return {
    name: 'in-app',
    async send(notification, { idempotencyKey, signal }) {
      if (signal?.aborted) return retryable('aborted', 'the send was aborted before it started')
      try {
        assertNotification(notification, idempotencyKey)
        const { kind, title, body, url, data, createdAt } = notification
        const added = await store.add(notification.recipient.userId, {
          id: idempotencyKey,
          kind,
          title,
          body,
          createdAt,
          ...(url === undefined ? {} : { url }),
          ...(data === undefined ? {} : { data }),
        })
        return delivered(added ? 'added' : 'already in the inbox')
      } catch (error) {
        return resultOfError(error, signal)
      }
    },
    async close() {},
  }
}
