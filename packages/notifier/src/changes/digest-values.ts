// Helpers for digests: a short stable hash of a JSON value (64 bits of
// SHA-256 tell two states of one event apart with no realistic chance of a
// collision), and records keyed by ids from docs, which may be any string
// (`__proto__`, `toString`), so they are built without a prototype and read
// by own property only.
import { createHash } from 'node:crypto'

export function digestHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16)
}

/** A record of `entries` with its keys sorted, so equal digests serialise to equal JSON. */
export function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>
  for (const [key, value] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[key] = value
  }
  return out
}

/** The record's own value at `key`, never one inherited from Object.prototype. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined
}
