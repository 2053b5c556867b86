// Who may do what: a user's role on a calendar, and on a doc (a calendar, an
// event of a calendar, or the user's own inbox or prefs). Used by the routes, the
// sync-token route and the internal access check, so all agree.
import {
  calendarDocName,
  eventDocName,
  hasRole,
  isPersonalDoc,
  parseDocName,
  type Role,
} from '@plansync/protocol'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { AuthError } from '../errors.ts'

export async function roleOnCalendar(
  db: Kysely<Database>,
  userId: string,
  calendarId: string,
): Promise<Role | null> {
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('calendar_id', '=', calendarId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return row?.role ?? null
}

/** The caller's role, or 404 for a calendar they cannot see (existence is not revealed) and 403 below `required`. */
export async function requireCalendarRole(
  db: Kysely<Database>,
  userId: string,
  calendarId: string,
  required: Role,
): Promise<Role> {
  const role = await roleOnCalendar(db, userId, calendarId)
  if (role === null) throw new AuthError('not_found', 'no such calendar')
  if (!hasRole(role, required)) throw new AuthError('forbidden', `this needs the ${required} role`)
  return role
}

/** The user's role on a doc, or null: no membership, unknown doc, or not a doc name. */
export async function roleOnDoc(
  db: Kysely<Database>,
  userId: string,
  docName: string,
): Promise<Role | null> {
  const ref = parseDocName(docName)
  if (!ref) return null
  if (isPersonalDoc(ref.kind)) return ref.id === userId ? 'editor' : null
  if (ref.kind === 'calendar') return roleOnCalendar(db, userId, ref.id)
  const event = await db
    .selectFrom('events')
    .select('calendar_id')
    .where('id', '=', ref.id)
    .executeTakeFirst()
  return event ? roleOnCalendar(db, userId, event.calendar_id) : null
}

/** Every doc of a calendar: its own and its events'. */
export async function calendarDocs(db: Kysely<Database>, calendarId: string): Promise<string[]> {
  const events = await db
    .selectFrom('events')
    .select('id')
    .where('calendar_id', '=', calendarId)
    .execute()
  return [calendarDocName(calendarId), ...events.map((event) => eventDocName(event.id))]
}
