// Value rules shared by readers and writers: each returns the value when it
// is valid and undefined otherwise, with the reason in `why`.

export const LIMITS = {
  title: 500,
  text: 10_000,
  id: 64,
  reminders: 20,
  guests: 50,
} as const

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const ID = /^[A-Za-z0-9_-]{1,64}$/

export type Check<T> = (value: unknown) => T | undefined

export const isId: Check<string> = (value) =>
  typeof value === 'string' && ID.test(value) ? value : undefined

export function text(max: number): Check<string> {
  return (value) => (typeof value === 'string' && value.length <= max ? value : undefined)
}

export function oneOf<const T extends string>(...allowed: T[]): Check<T> {
  return (value) => (allowed.includes(value as T) ? (value as T) : undefined)
}

export function integer(min: number, max: number): Check<number> {
  return (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? value
      : undefined
}

export const isBoolean: Check<boolean> = (value) => (typeof value === 'boolean' ? value : undefined)

/** A calendar date `YYYY-MM-DD` that exists (no 2025-02-30). */
export const isDate: Check<string> = (value) => {
  if (typeof value !== 'string') return undefined
  const m = DATE.exec(value)
  return m && validDate(Number(m[1]), Number(m[2]), Number(m[3])) ? value : undefined
}

/** A wall-clock time `YYYY-MM-DDTHH:mm[:ss]`, without offset: its zone is stored beside it. */
export const isWallTime: Check<string> = (value) => {
  if (typeof value !== 'string') return undefined
  const m = WALL_TIME.exec(value)
  if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined
  return Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6] ?? 0) < 60 ? value : undefined
}

const zoneCache = new Map<string, boolean>()

/** An IANA time zone the runtime knows, e.g. `Europe/Berlin`. */
export const isTimeZone: Check<string> = (value) => {
  if (typeof value !== 'string' || value.length > 64) return undefined
  let known = zoneCache.get(value)
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value })
      known = true
    } catch {
      known = false
    }
    zoneCache.set(value, known)
  }
  return known ? value : undefined
}

export const isColour: Check<string> = (value) =>
  typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value) ? value : undefined

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return day <= days
}
