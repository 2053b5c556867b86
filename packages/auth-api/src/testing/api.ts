// Calls the in-process auth app like a client would, with bearer or cookie
// sessions, and registers users in one line.
import type { TestAuth } from './test-auth.ts'

export interface CallOptions {
  token?: string
  body?: unknown
  headers?: Record<string, string>
}

export interface Reply<T = Record<string, unknown>> {
  status: number
  body: T
  headers: Headers
}

export function createApi(auth: () => TestAuth) {
  async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.body !== undefined) headers['content-type'] ??= 'application/json'
    if (options.token) headers.authorization = `Bearer ${options.token}`
    const response = await auth().app.request(`/auth${path}`, {
      method,
      headers,
      body:
        options.body === undefined
          ? undefined
          : typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body),
    })
    const text = await response.text()
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as T,
      headers: response.headers,
    }
  }

  async function register(username: string, extra: Record<string, unknown> = {}) {
    const reply = await call<{ user: { id: string }; token: string }>('POST', '/register', {
      body: { username, password: `${username}-long-password`, session: 'bearer', ...extra },
    })
    if (reply.status !== 201) throw new Error(`register ${username}: ${JSON.stringify(reply.body)}`)
    return {
      id: reply.body.user.id,
      username,
      token: reply.body.token,
      password: `${username}-long-password`,
    }
  }

  return { call, register }
}

/** Every table's row count: a refused request must leave all of them as they were. */
export async function tableCounts(auth: TestAuth): Promise<Record<string, number>> {
  const { db } = auth.deps.database
  const counts: Record<string, number> = {}
  for (const table of [
    'users',
    'sessions',
    'calendars',
    'memberships',
    'invites',
    'invite_notices',
    'events',
    'jobs',
  ] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    counts[table] = Number(row.n)
  }
  return counts
}
