// Email over SMTP with nodemailer. SMTP replies decide the outcome: 4xx and
// dead connections are worth retrying, 5xx to the envelope or the data is a
// refusal of this message. A refused greeting or login is the server's (or
// our configuration's) problem, not the message's, so it stays retryable
// and counts towards the circuit breaker.
import nodemailer from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js'
import { assertEmailAddress, buildEmailMessage } from './email-message.ts'
import { DeliveryRefusal, delivered, permanent, resultOfError, retryable } from './results.ts'
import type { DeliveryChannel, DeliveryResult } from './types.ts'
import { assertNotification, assertOneLine } from './validate.ts'

export interface EmailChannelOptions {
  /** SMTP host, port, TLS, auth and pooling, as nodemailer takes them. */
  readonly smtp: SMTPTransport.Options
  /** The sender: an address, or a name and an address. */
  readonly from: string | { readonly name: string; readonly address: string }
  /** Right-hand side of Message-IDs; defaults to the sender's domain. */
  readonly messageIdDomain?: string
}

// Bounded waits: a stuck server must not hold a delivery (or a lease) forever.
const defaultTimeouts = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 30_000,
}

export function createEmailChannel(options: EmailChannelOptions): DeliveryChannel {
  const from = parseFrom(options.from)
  const messageIdDomain = options.messageIdDomain ?? from.address.split('@')[1] ?? 'localhost'
  const transport = nodemailer.createTransport({ ...defaultTimeouts, ...options.smtp })

  return {
    name: 'email',
    async send(notification, { idempotencyKey, signal }) {
      if (signal?.aborted) return retryable('aborted', 'the send was aborted before it started')
      try {
        assertNotification(notification, idempotencyKey)
        const message = buildEmailMessage(notification, { from, idempotencyKey, messageIdDomain })
        const sending = transport.sendMail(message)
        const info = await (signal ? untilAborted(sending, signal) : sending)
        return delivered(info.messageId)
      } catch (error) {
        return classify(error, signal)
      }
    },
    async close() {
      transport.close()
    },
  }
}

function parseFrom(from: EmailChannelOptions['from']): { name: string; address: string } {
  // A bad sender is a configuration error: throw at startup, not per message.
  try {
    if (typeof from === 'string') return { name: '', address: assertEmailAddress(from, 'from') }
    assertOneLine(from.name, 'from name')
    return { name: from.name, address: assertEmailAddress(from.address, 'from') }
  } catch (error) {
    throw new Error(`email channel: ${(error as Error).message}`)
  }
}

/** Resolves or rejects with `sending`, or rejects as soon as `signal` aborts. */
function untilAborted<T>(sending: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'))
    if (signal.aborted) onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    sending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

interface SmtpFailure {
  code?: string
  command?: string
  responseCode?: number
  response?: string
  message?: string
}

function classify(error: unknown, signal: AbortSignal | undefined): DeliveryResult {
  if (error instanceof DeliveryRefusal) return resultOfError(error)
  if (signal?.aborted) return retryable('aborted', 'the send was aborted; it may still complete')
  const failure = (error ?? {}) as SmtpFailure
  const reply = failure.responseCode
  if (typeof reply !== 'number') {
    if (typeof failure.code === 'string' && failure.code.startsWith('E')) {
      return retryable('network', `SMTP ${failure.code}: ${failure.message ?? 'no reply'}`)
    }
    return resultOfError(error, signal)
  }
  const text = `SMTP ${reply} on ${failure.command ?? 'send'}: ${failure.response ?? failure.message}`
  const serverSide =
    failure.code === 'EAUTH' || /^(CONN|EHLO|HELO|AUTH)/.test(failure.command ?? '')
  if (reply >= 500 && !serverSide) return permanent('rejected', text)
  return retryable('unavailable', text)
}
