// The one interface every delivery channel (in-app, email, webhook, SMS) implements.

/** A JSON value, as stored in a schedule payload or sent in a webhook body. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue }

/** Who a notification is for; each channel reads the address it needs. */
export interface Recipient {
  readonly userId: string
  /** Display name, used in the email `To` header. */
  readonly name?: string
  readonly email?: string
  /** E.164 phone number (`+4915112345678`), for an SMS provider. */
  readonly phone?: string
}

/** What to tell a user, independent of the channel that carries it. */
export interface Notification {
  /** What happened: `reminder`, `invited`, `event-moved`, `task-assigned`, ... */
  readonly kind: string
  readonly recipient: Recipient
  /** One line: the email subject, the inbox headline. */
  readonly title: string
  /** Plain text; channels escape it for their format. */
  readonly body: string
  /** Where the user can see the thing (an absolute http(s) URL). */
  readonly url?: string
  /** Epoch milliseconds when the notification was made. */
  readonly createdAt: number
  /** Machine-readable details for webhook receivers (event id, start, ...). */
  readonly data?: { readonly [key: string]: JsonValue }
}

export interface SendOptions {
  /**
   * Stable per (event, occurrence, reminder, recipient, channel): every retry
   * of one notification carries the same key so receivers can drop duplicates.
   */
  readonly idempotencyKey: string
  /** Aborts the attempt (shutdown); the result is then a retryable `aborted`. */
  readonly signal?: AbortSignal
}

/** Stable codes a worker can count, log and branch on. */
export type DeliveryErrorCode =
  /** Title, body, key or url unusable (control characters, bad URL). */
  | 'invalid-notification'
  /** A CR or LF where a header value goes: refused, never sent. */
  | 'header-injection'
  /** No address for this channel, or an unusable one. */
  | 'invalid-recipient'
  | 'payload-too-large'
  /** The webhook endpoint is missing or not an http(s) URL. */
  | 'invalid-endpoint'
  /** The receiver refused this message for good (HTTP 4xx, SMTP 5xx). */
  | 'rejected'
  /** The receiver is temporarily unable (HTTP 5xx/429, SMTP 4xx). */
  | 'unavailable'
  /** No answer: connection refused or reset, DNS, timeout. */
  | 'network'
  | 'aborted'
  /** The circuit breaker is open: the call was not made. */
  | 'circuit-open'
  /** A bug or an error nobody classified; retried, then failed. */
  | 'unexpected'

export type DeliveryResult =
  | { readonly status: 'delivered'; readonly detail?: string }
  | {
      readonly status: 'retryable'
      readonly code: DeliveryErrorCode
      readonly message: string
      /** The receiver asked to wait this long (Retry-After) or the breaker is cooling down. */
      readonly retryAfterMs?: number
    }
  | { readonly status: 'permanent'; readonly code: DeliveryErrorCode; readonly message: string }

export interface DeliveryChannel {
  /** `email`, `webhook`, `in-app`, `sms`: the channel part of idempotency keys. */
  readonly name: string
  /**
   * Delivers one notification. Resolves for every outcome, never rejects:
   * an unexpected error becomes a retryable `unexpected` result.
   */
  send(notification: Notification, options: SendOptions): Promise<DeliveryResult>
  /** Releases connections; further sends are not expected. */
  close(): Promise<void>
}
