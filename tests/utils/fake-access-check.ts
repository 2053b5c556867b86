// A tiny stand-in for the auth API's access-check endpoint (see
// @plansync/protocol access-check.ts) on 127.0.0.1 port 0: answers from a
// role table the test edits, records every request, and can be told to fail.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AccessCheckRequest, Role } from '@plansync/protocol'

export interface FakeAccessCheck {
  /** Base URL to give as the auth URL (with a path prefix, as behind a proxy). */
  authUrl: string
  /** `${userId} ${doc}` → role; a missing entry answers null (no access). */
  roles: Map<string, Role>
  requests: Array<{ path: string; authorization: string | undefined; body: AccessCheckRequest }>
  /** When set, every request is answered with this status and no roles. */
  failWith: number | undefined
  close(): Promise<void>
}

export const PREFIX = '/behind-proxy'

export async function startFakeAccessCheck(): Promise<FakeAccessCheck> {
  const fake: FakeAccessCheck = {
    authUrl: '',
    roles: new Map(),
    requests: [],
    failWith: undefined,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  const server = createServer((request, response) => {
    let text = ''
    request.on('data', (chunk: Buffer) => {
      text += chunk.toString()
    })
    request.on('end', () => {
      const body = JSON.parse(text || '{}') as AccessCheckRequest
      fake.requests.push({
        path: request.url ?? '',
        authorization: request.headers.authorization,
        body,
      })
      if (fake.failWith !== undefined) {
        response.writeHead(fake.failWith).end()
        return
      }
      const roles = (body.checks ?? []).map(
        ({ userId, doc }) => fake.roles.get(`${userId} ${doc}`) ?? null,
      )
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ roles }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.authUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PREFIX}`
  return fake
}
