// The account routes, in three groups: signing in (register, login), ending
// sessions (logout, logout everywhere) and the signed-in user's own profile
// and password.
import { OpenAPIHono } from '@hono/zod-openapi'
import type { AuthDeps } from '../deps.ts'
import type { AuthEnv } from '../http/env.ts'
import { profileRoutes } from './profile-routes.ts'
import { sessionRoutes } from './session-routes.ts'
import { signInRoutes } from './sign-in-routes.ts'

export function accountRoutes(deps: AuthDeps): OpenAPIHono<AuthEnv> {
  const app = new OpenAPIHono<AuthEnv>()
  for (const routes of [signInRoutes, sessionRoutes, profileRoutes]) app.route('/', routes(deps))
  return app
}
