// Doc names: the single source of truth for which documents exist.
//
//   calendar:<id>        a calendar: meta and its events
//   event:<id>           the planning space of one event
//   user:<id>:inbox      one user's in-app notifications
//   user:<id>:prefs      one user's private settings: own reminders, colours,
//                        hidden calendars (never stored in shared docs)
//
// Ids are 1-64 characters of [A-Za-z0-9_-]. The doc name is the URL path of a
// sync connection (percent-encoded), e.g. `/calendar%3Afamily` or
// `/calendar:family`.

export type DocKind = 'calendar' | 'event' | 'inbox' | 'prefs'

export interface DocRef {
  kind: DocKind
  id: string
  name: string
}

const ID = '[A-Za-z0-9_-]{1,64}'
const patterns: ReadonlyArray<[DocKind, RegExp]> = [
  ['calendar', new RegExp(`^calendar:(${ID})$`)],
  ['event', new RegExp(`^event:(${ID})$`)],
  ['inbox', new RegExp(`^user:(${ID}):inbox$`)],
  ['prefs', new RegExp(`^user:(${ID}):prefs$`)],
]

export const MAX_DOC_NAME_LENGTH = 80

/** Parses a doc name; returns undefined for anything that is not a valid name. */
export function parseDocName(name: string): DocRef | undefined {
  if (name.length > MAX_DOC_NAME_LENGTH) return undefined
  for (const [kind, pattern] of patterns) {
    const id = pattern.exec(name)?.[1]
    if (id !== undefined) return { kind, id, name }
  }
  return undefined
}

export function calendarDocName(id: string): string {
  return `calendar:${id}`
}

export function eventDocName(id: string): string {
  return `event:${id}`
}

export function inboxDocName(userId: string): string {
  return `user:${userId}:inbox`
}

export function prefsDocName(userId: string): string {
  return `user:${userId}:prefs`
}

/** Docs that belong to one user alone (inbox, prefs). */
export function isPersonalDoc(kind: DocKind): boolean {
  return kind === 'inbox' || kind === 'prefs'
}

/** Reads the doc name from the path of a sync URL (`/calendar:abc?x=1`). */
export function docNameFromPath(pathname: string): DocRef | undefined {
  let name: string
  try {
    name = decodeURIComponent(pathname.replace(/^\/+/, ''))
  } catch {
    return undefined
  }
  return parseDocName(name)
}
