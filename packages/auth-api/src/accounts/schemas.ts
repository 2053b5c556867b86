// Request and response schemas of the account routes: the same zod schemas
// validate requests and generate the OpenAPI document.
import { z } from '@hono/zod-openapi'
import { Text } from '../http/openapi.ts'

export const Username = z
  .string()
  .trim()
  .min(3)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, dot, dash or underscore')
  .transform((value) => value.toLowerCase())
  .openapi({ example: 'ann' })

/** Length is the only rule (NIST SP 800-63B): long passphrases welcome. */
export const Password = Text().min(10).max(256).openapi({ example: 'correct horse battery' })

export const DisplayName = Text().trim().min(1).max(80)

export const Email = z
  .email()
  .max(254)
  .transform((value) => value.toLowerCase())

export const SessionTransport = z
  .enum(['cookie', 'bearer'])
  .default('cookie')
  .openapi({ description: 'cookie for browsers; bearer returns the token in the body' })

export const RegisterBody = z
  .object({
    username: Username,
    password: Password,
    displayName: DisplayName.optional(),
    email: Email.optional(),
    session: SessionTransport,
  })
  .refine((body) => body.password.toLowerCase() !== body.username, {
    path: ['password'],
    message: 'must not be the username',
  })
  .openapi('RegisterBody')

export const LoginBody = z
  .object({
    // Not the Username rule: a malformed name is just an unknown user (no oracle).
    username: Text().min(1).max(256),
    password: Text().min(1).max(256),
    session: SessionTransport,
  })
  .openapi('LoginBody')

export const UpdateMeBody = z
  .object({ displayName: DisplayName.optional(), email: Email.nullable().optional() })
  .openapi('UpdateMeBody')

export const ChangePasswordBody = z
  .object({ currentPassword: z.string().min(1).max(256), newPassword: Password })
  .openapi('ChangePasswordBody')

export const User = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
  })
  .openapi('User')

export const UserResponse = z.object({ user: User }).openapi('UserResponse')

/** A new session: a cookie was set, or (bearer) the token is in the body. */
export const SessionResponse = z
  .object({
    user: User,
    token: z.string().optional().openapi({ description: 'bearer sessions only' }),
    expiresAt: z.number().openapi({ description: 'session expiry, epoch ms (it slides with use)' }),
  })
  .openapi('SessionResponse')

export function toUserJson(row: {
  id: string
  username: string
  display_name: string
  email: string | null
}): z.infer<typeof User> {
  return { id: row.id, username: row.username, displayName: row.display_name, email: row.email }
}
