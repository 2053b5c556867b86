// Builds the email for a notification: the subject is the title, the text
// and HTML parts carry the body and link, and the Message-ID is derived from
// the idempotency key so a retried message has the same id and mail
// systems (and people's clients) can drop the duplicate.
import { createHash } from 'node:crypto'
import type Mail from 'nodemailer/lib/mailer/index.js'
import { DeliveryRefusal } from './results.ts'
import type { Notification } from './types.ts'
import { assertOneLine } from './validate.ts'

export const IDEMPOTENCY_HEADER = 'X-Plansync-Idempotency-Key'

// Deliberately narrower than RFC 5322: no quoted local parts, comments, brackets or
// separators, so an address can never smuggle a second recipient or a header.
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/

/** Returns the address if it is one plain mailbox; refuses anything else with a clear message. */
export function assertEmailAddress(value: string, what: string): string {
  assertOneLine(value, what)
  if (value.length > 254 || !ADDRESS.test(value)) {
    throw new DeliveryRefusal('invalid-recipient', `${what} is not a single plain email address`)
  }
  return value
}

export function messageIdFor(idempotencyKey: string, domain: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)
  return `<${digest}@${domain}>`
}

export function buildEmailMessage(
  notification: Notification,
  context: {
    from: { name: string; address: string }
    idempotencyKey: string
    messageIdDomain: string
  },
): Mail.Options {
  const { recipient, title, body, url, kind } = notification
  if (recipient.email === undefined) {
    throw new DeliveryRefusal('invalid-recipient', `user ${recipient.userId} has no email address`)
  }
  const address = assertEmailAddress(recipient.email, 'recipient email')
  if (recipient.name !== undefined) assertOneLine(recipient.name, 'recipient name')
  assertOneLine(kind, 'kind')
  return {
    from: context.from,
    to: recipient.name ? { name: recipient.name, address } : address,
    subject: title,
    text: url ? `${body}\n\n${url}\n` : `${body}\n`,
    html: renderHtml(body, url),
    date: new Date(notification.createdAt),
    messageId: messageIdFor(context.idempotencyKey, context.messageIdDomain),
    headers: { [IDEMPOTENCY_HEADER]: context.idempotencyKey, 'X-Plansync-Kind': kind },
    // The message is built from user text: never let it name a file or URL to attach.
    disableFileAccess: true,
    disableUrlAccess: true,
  }
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )

function renderHtml(body: string, url: string | undefined): string {
  const paragraphs = body
    .split(/\r?\n\s*\r?\n/)
    .filter((part) => part.trim() !== '')
    .map((part) => `<p>${escapeHtml(part).replace(/\r?\n/g, '<br>')}</p>`)
  if (url) paragraphs.push(`<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`)
  return `<!doctype html><html><body>${paragraphs.join('')}</body></html>`
}
