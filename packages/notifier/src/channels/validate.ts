// Checks every channel runs before sending, so hostile or oversized input is
// refused the same way everywhere (a permanent result, nothing sent).
import { DeliveryRefusal } from './results.ts'
import type { Notification } from './types.ts'

export const limits = {
  titleChars: 300,
  bodyBytes: 32 * 1024,
  dataBytes: 16 * 1024,
  urlChars: 2048,
  idempotencyKeyChars: 512,
} as const

const LINE_BREAK = /[\r\n\u2028\u2029]/
// C0 controls except tab, LF and CR, and DEL: never meaningful in text we send.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/
const byteLength = (text: string) => Buffer.byteLength(text, 'utf8')

/** Refuses a value bound for a header (subject, address, name) that could start a new header. */
export function assertOneLine(value: string, what: string): void {
  if (LINE_BREAK.test(value)) {
    throw new DeliveryRefusal(
      'header-injection',
      `${what} contains a line break (CR/LF): refused as header injection`,
    )
  }
  if (CONTROL.test(value)) {
    throw new DeliveryRefusal('invalid-notification', `${what} contains a control character`)
  }
}

/** Printable ASCII without spaces: safe in a header, a JSON body and a database key. */
export function assertIdempotencyKey(key: string): void {
  assertOneLine(key, 'idempotency key')
  if (key.length === 0 || key.length > limits.idempotencyKeyChars || !/^[\x21-\x7e]+$/.test(key)) {
    throw new DeliveryRefusal(
      'invalid-notification',
      `idempotency key must be 1-${limits.idempotencyKeyChars} printable ASCII characters without spaces`,
    )
  }
}

export function assertNotification(notification: Notification, idempotencyKey: string): void {
  assertIdempotencyKey(idempotencyKey)
  const { title, body, url, data } = notification
  assertOneLine(title, 'title')
  if (title.trim().length === 0) {
    throw new DeliveryRefusal('invalid-notification', 'title is empty')
  }
  if (title.length > limits.titleChars) {
    throw new DeliveryRefusal(
      'payload-too-large',
      `title is longer than ${limits.titleChars} characters`,
    )
  }
  if (CONTROL.test(body)) {
    throw new DeliveryRefusal('invalid-notification', 'body contains a control character')
  }
  if (byteLength(body) > limits.bodyBytes) {
    throw new DeliveryRefusal('payload-too-large', `body is larger than ${limits.bodyBytes} bytes`)
  }
  if (data !== undefined && byteLength(JSON.stringify(data)) > limits.dataBytes) {
    throw new DeliveryRefusal('payload-too-large', `data is larger than ${limits.dataBytes} bytes`)
  }
  if (url !== undefined) assertHttpUrl(url, 'notification url', 'invalid-notification')
}

/** Accepts only absolute http(s) URLs without credentials; returns the parsed URL. */
export function assertHttpUrl(
  value: string,
  what: string,
  code: 'invalid-notification' | 'invalid-endpoint',
): URL {
  if (value.length > limits.urlChars) {
    throw new DeliveryRefusal(code, `${what} is longer than ${limits.urlChars} characters`)
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new DeliveryRefusal(code, `${what} is not an absolute URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DeliveryRefusal(
      code,
      `${what} must be http: or https:, not ${url.protocol} (only http(s) URLs are accepted)`,
    )
  }
  if (url.username || url.password) {
    throw new DeliveryRefusal(code, `${what} must not carry credentials`)
  }
  return url
}
