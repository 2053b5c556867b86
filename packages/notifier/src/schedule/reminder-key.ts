// The idempotency key of a reminder: its parts, each percent-encoded and
// joined by '/'. Printable ASCII without spaces, so the same string serves as
// the database key, the email header and the webhook header.
import type { ReminderKeyParts } from './types.ts'

export const MAX_KEY_CHARS = 512

export function reminderKey(parts: ReminderKeyParts): string {
  const key = [parts.eventId, parts.occurrence, parts.reminderId, parts.recipient, parts.channel]
    .map((part) => {
      if (part.length === 0) throw new Error('reminder key parts must not be empty')
      return encodeURIComponent(part)
    })
    .join('/')
  if (key.length > MAX_KEY_CHARS) {
    throw new Error(`reminder key is longer than ${MAX_KEY_CHARS} characters`)
  }
  return key
}
