// Parses an HTTP Retry-After value (delay seconds or an HTTP date) into milliseconds.

/** Longer waits than this are clamped: the schedule, not a header, owns the long view. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000

export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined
  const text = value.trim()
  if (/^\d{1,10}$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS)
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS)
}
