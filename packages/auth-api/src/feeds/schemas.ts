// Schemas of the iCal feed routes.
import { z } from '@hono/zod-openapi'

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a valid id')

export const CreateFeedBody = z
  .object({
    /** One calendar; every calendar of the user when absent. */
    calendarId: Id.optional(),
    /** Only busy times: no titles, places, descriptions or attendees. */
    busyOnly: z.boolean().default(false),
  })
  .strict()
  .openapi('CreateFeedBody')

export const Feed = z
  .object({
    id: z.string(),
    calendarId: z.string().nullable(),
    busyOnly: z.boolean(),
    createdAt: z.number(),
    rotatedAt: z.number().nullable(),
  })
  .openapi('Feed')

export const FeedCreated = z
  .object({
    feed: Feed,
    /** Shown once: the secret is stored only as a hash. */
    url: z.string(),
    webcalUrl: z.string(),
  })
  .openapi('FeedCreated')

export const FeedList = z.object({ feeds: z.array(Feed) }).openapi('FeedList')

export const FeedParams = z.object({
  id: Id.openapi({ param: { name: 'id', in: 'path' } }),
})
