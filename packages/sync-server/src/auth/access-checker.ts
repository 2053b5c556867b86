// Asks the auth API which role each (user, doc) still has, in one request
// (see @plansync/protocol access-check.ts). `fetch` is injectable: the
// embedded process answers in-process through the auth app itself.
import {
  ACCESS_CHECK_PATH,
  type AccessCheckRequest,
  isRole,
  MAX_ACCESS_CHECKS,
  type Role,
} from '@plansync/protocol'

export interface AccessChecker {
  /** Current roles, in the order asked; null = no access. Rejects when the auth API cannot answer. */
  check(pairs: AccessCheckRequest['checks']): Promise<Array<Role | null>>
}

export function createHttpAccessChecker(options: {
  /** Base URL of the auth API, e.g. http://auth:8081 */
  authUrl: string
  secret: string
  fetch?: (request: Request) => Promise<Response> | Response
  timeoutMs?: number
}): AccessChecker {
  const send = options.fetch ?? ((request: Request) => fetch(request))
  // Appended, not resolved: an auth API behind a path prefix keeps it.
  const url = `${options.authUrl.replace(/\/+$/, '')}${ACCESS_CHECK_PATH}`
  return {
    async check(pairs) {
      const roles: Array<Role | null> = []
      for (let start = 0; start < pairs.length; start += MAX_ACCESS_CHECKS) {
        const checks = pairs.slice(start, start + MAX_ACCESS_CHECKS)
        const response = await send(
          new Request(url, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${options.secret}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ checks } satisfies AccessCheckRequest),
            signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
          }),
        )
        if (!response.ok) throw new Error(`access check answered ${response.status}`)
        const body = (await response.json()) as { roles?: unknown }
        if (!Array.isArray(body.roles) || body.roles.length !== checks.length) {
          throw new Error('access check answered a malformed body')
        }
        for (const role of body.roles) {
          if (role !== null && !isRole(role))
            throw new Error('access check answered an unknown role')
          roles.push(role)
        }
      }
      return roles
    },
  }
}
