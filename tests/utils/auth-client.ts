// A small HTTP client for the auth API in end-to-end tests: bearer sessions,
// JSON in and out, failures thrown with the server's error body.
export interface TestUser {
  id: string
  username: string
  token: string
}

export function createAuthClient(baseUrl: string) {
  async function call<T>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${baseUrl}/auth${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    })
    const text = await response.text()
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T }
  }

  async function ok<T>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<T> {
    const { status, body } = await call<T>(method, path, options)
    if (status >= 400) throw new Error(`${method} ${path} → ${status} ${JSON.stringify(body)}`)
    return body
  }

  return {
    call,
    ok,
    async register(username: string, password = `${username}-correct-horse`): Promise<TestUser> {
      const body = await ok<{ user: { id: string }; token: string }>('POST', '/register', {
        body: { username, password, session: 'bearer' },
      })
      return { id: body.user.id, username, token: body.token }
    },
    async syncToken(user: TestUser, doc: string): Promise<string> {
      const body = await ok<{ token: string }>('POST', '/sync-tokens', {
        token: user.token,
        body: { doc },
      })
      return body.token
    },
  }
}
