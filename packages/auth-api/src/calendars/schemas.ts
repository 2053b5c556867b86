// Schemas of the calendar, member and event routes.
import { z } from '@hono/zod-openapi'
import { Text } from '../http/openapi.ts'

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a valid id')

export const CalendarParams = z.object({ id: Id.openapi({ param: { name: 'id', in: 'path' } }) })
export const MemberParams = CalendarParams.extend({
  userId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'userId', in: 'path' } }),
})
export const EventParams = CalendarParams.extend({
  eventId: Id.openapi({ param: { name: 'eventId', in: 'path' } }),
})

const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'use #rrggbb')
const TimeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}, 'not an IANA time zone')
const Name = Text().trim().min(1).max(120)
const Role = z.enum(['owner', 'editor', 'viewer'])

export const CreateCalendarBody = z
  .object({ name: Name, colour: Colour.default('#3b82f6'), timeZone: TimeZone.default('UTC') })
  .openapi('CreateCalendarBody')

export const UpdateCalendarBody = z
  .object({ name: Name.optional(), colour: Colour.optional(), timeZone: TimeZone.optional() })
  .openapi('UpdateCalendarBody')

export const Calendar = z
  .object({
    id: z.string(),
    name: z.string(),
    colour: z.string(),
    timeZone: z.string(),
    role: Role,
    doc: z.string().openapi({ description: 'the Yjs doc name, e.g. calendar:<id>' }),
  })
  .openapi('Calendar')

export const CalendarResponse = z.object({ calendar: Calendar }).openapi('CalendarResponse')
export const CalendarList = z.object({ calendars: z.array(Calendar) }).openapi('CalendarList')

export const Member = z
  .object({ userId: z.string(), username: z.string(), displayName: z.string(), role: Role })
  .openapi('Member')
export const MemberList = z.object({ members: z.array(Member) }).openapi('MemberList')
export const ChangeRoleBody = z.object({ role: Role }).openapi('ChangeRoleBody')
export const TransferBody = z.object({ userId: Id }).openapi('TransferBody')

export const EventRef = z.object({ id: z.string(), doc: z.string() }).openapi('EventRef')
/** An id the client chose (so an event made offline keeps it); a random one when absent. */
export const RegisterEventBody = z.object({ id: Id.optional() }).strict().openapi('RegisterEvent')
export const EventList = z.object({ events: z.array(EventRef) }).openapi('EventList')
