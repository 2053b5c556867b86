// The Hono environment of the auth app: what middleware puts on the context.
import type { ValidSession } from '../accounts/sessions.ts'

export interface AuthEnv {
  Variables: {
    /** The caller's session, when a valid cookie or bearer token came with the request. */
    session: ValidSession | undefined
    /** How the session was presented; cookie sessions get the CSRF check. */
    sessionVia: 'cookie' | 'bearer' | undefined
  }
}
