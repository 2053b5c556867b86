// The signed-in user's webhook for notifications: set (a new signing secret,
// shown once), read (without the secret), remove. The notifier signs every
// delivery with the secret (HMAC-SHA256 over timestamp and body).
import { randomBytes } from 'node:crypto'
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AuthDeps } from '../deps.ts'
import type { AuthEnv } from '../http/env.ts'
import { errorResponses, jsonBody, jsonResponse, noContent, Text } from '../http/openapi.ts'
import { requireSession } from '../http/session-auth.ts'

const tags = ['webhooks']

const WebhookUrl = Text()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value)
      return (
        (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password
      )
    } catch {
      return false
    }
  }, 'an http(s) URL without a user name or password')

export function webhookRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  const { db } = deps.database

  app.openapi(
    createRoute({
      method: 'put',
      path: '/me/webhook',
      tags,
      request: { body: jsonBody(z.object({ url: WebhookUrl }).strict().openapi('SetWebhook')) },
      responses: {
        200: jsonResponse(
          z.object({ webhook: z.object({ url: z.string(), secret: z.string() }) }),
          'set; the secret is shown only here',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const { url } = c.req.valid('json')
      const secret = randomBytes(32).toString('base64url')
      await db
        .insertInto('webhooks')
        .values({ user_id: user.id, url, secret, created_at: deps.now() })
        .onConflict((conflict) =>
          conflict.column('user_id').doUpdateSet({ url, secret, created_at: deps.now() }),
        )
        .execute()
      return c.json({ webhook: { url, secret } }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/me/webhook',
      tags,
      responses: {
        200: jsonResponse(
          z.object({ webhook: z.object({ url: z.string(), createdAt: z.number() }).nullable() }),
          'the webhook, without its secret',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { user } = requireSession(c)
      const row = await db
        .selectFrom('webhooks')
        .select(['url', 'created_at'])
        .where('user_id', '=', user.id)
        .executeTakeFirst()
      return c.json(
        { webhook: row ? { url: row.url, createdAt: Number(row.created_at) } : null },
        200,
      )
    },
  )

  app.openapi(
    createRoute({ method: 'delete', path: '/me/webhook', tags, responses: noContent }),
    async (c) => {
      const { user } = requireSession(c)
      await db.deleteFrom('webhooks').where('user_id', '=', user.id).execute()
      return c.body(null, 204)
    },
  )
  return app
}
