// Schemas of the calendar subscription routes.
import { z } from '@hono/zod-openapi'
import { Text } from '../http/openapi.ts'

export const SubscriptionUrl = Text()
  .max(2048)
  .transform((value) => value.trim().replace(/^webcal:/i, 'https:'))
  .refine((value) => {
    try {
      const url = new URL(value)
      return (
        (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password
      )
    } catch {
      return false
    }
  }, 'an http(s) or webcal URL without a user name or password')

export const CreateSubscriptionBody = z
  .object({ url: SubscriptionUrl })
  .strict()
  .openapi('CreateSubscriptionBody')

export const Subscription = z
  .object({
    id: z.string(),
    calendarId: z.string(),
    url: z.string(),
    createdAt: z.number(),
    lastFetchedAt: z.number().nullable(),
    lastError: z.string().nullable(),
  })
  .openapi('Subscription')

export const SubscriptionList = z
  .object({ subscriptions: z.array(Subscription) })
  .openapi('SubscriptionList')
