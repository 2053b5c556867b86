// The auth API's error catalogue: one error type with a stable code that maps
// to an HTTP status. Every error response has the body
// `{ error: { code, message, fields? } }`; only the app's onError writes it.

const catalogue = {
  invalid_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf_rejected: 403,
  not_found: 404,
  conflict: 409,
  username_taken: 409,
  email_taken: 409,
  last_owner: 409,
  invite_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, number>

export type AuthErrorCode = keyof typeof catalogue

export interface AuthErrorBody {
  error: {
    code: AuthErrorCode
    message: string
    /** For validation_failed: what is wrong with each bad field, keyed by its path. */
    fields?: Record<string, string>
  }
}

export class AuthError extends Error {
  readonly code: AuthErrorCode
  readonly fields: Record<string, string> | undefined
  /** Seconds, for rate_limited (sent as Retry-After). */
  readonly retryAfter: number | undefined

  constructor(
    code: AuthErrorCode,
    message: string,
    options: ErrorOptions & { fields?: Record<string, string>; retryAfter?: number } = {},
  ) {
    super(message, options)
    this.name = 'AuthError'
    this.code = code
    this.fields = options.fields
    this.retryAfter = options.retryAfter
  }

  get status(): (typeof catalogue)[AuthErrorCode] {
    return catalogue[this.code]
  }

  toBody(): AuthErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields ? { fields: this.fields } : {}),
      },
    }
  }
}

/** Unknown errors become `internal` so the edge always has a code to send. */
export function toAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error
  return new AuthError('internal', 'internal error', { cause: error })
}
