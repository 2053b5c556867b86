// SMS: the seam for a provider (Twilio, MessageBird, an operator's gateway).
// No provider ships with plansync and none is reachable from here; an
// adapter implements `SmsProvider` and `createSmsChannel` turns it into a
// DeliveryChannel with the shared checks.
//
// A provider adapter must:
// - send `text` to `to` (E.164) at most once per `idempotencyKey` where the
//   provider supports it (pass the key as its idempotency or reference id);
// - map the provider's answer to a DeliveryResult: accepted -> delivered
//   (detail: the provider's message id), throttled or 5xx -> retryable with
//   retryAfterMs when given, invalid or unsubscribed number -> permanent
//   `invalid-recipient`, other refusals -> permanent `rejected`;
// - honour `signal` and bound every request in time; never reject.
import { DeliveryRefusal, permanent, resultOfError, retryable } from './results.ts'
import type { DeliveryChannel, DeliveryResult, SendOptions } from './types.ts'
import { assertNotification } from './validate.ts'

export interface SmsMessage {
  /** E.164, e.g. `+4915112345678`. */
  readonly to: string
  readonly text: string
}

export interface SmsProvider {
  readonly name: string
  sendSms(message: SmsMessage, options: SendOptions): Promise<DeliveryResult>
  close(): Promise<void>
}

const E164 = /^\+[1-9]\d{6,14}$/
/** Three concatenated GSM segments: beyond that, a link does the job better. */
export const MAX_SMS_CHARS = 459

export function createSmsChannel(provider: SmsProvider): DeliveryChannel {
  return {
    name: 'sms',
    async send(notification, options) {
      if (options.signal?.aborted) return retryable('aborted', 'the send was aborted')
      try {
        assertNotification(notification, options.idempotencyKey)
        const { phone, userId } = notification.recipient
        if (phone === undefined) {
          return permanent('invalid-recipient', `user ${userId} has no phone number`)
        }
        if (!E164.test(phone)) {
          throw new DeliveryRefusal('invalid-recipient', 'phone number is not in E.164 form')
        }
        const text = notification.url
          ? `${notification.title}\n${notification.url}`
          : notification.title
        if (text.length > MAX_SMS_CHARS) {
          return permanent(
            'payload-too-large',
            `SMS text is longer than ${MAX_SMS_CHARS} characters`,
          )
        }
        return await provider.sendSms({ to: phone, text }, options)
      } catch (error) {
        return resultOfError(error, options.signal)
      }
    },
    close: () => provider.close(),
  }
}
