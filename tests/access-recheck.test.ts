// The periodic access recheck over HTTP, against a fake auth endpoint: on
// its own timer the server asks for the roles of its live connections with
// the internal secret, closes a user whose access is gone, changes roles in
// place, refuses the older token afterwards, and keeps connections when
// the auth API fails.
import { ACCESS_CHECK_PATH, CloseCode, MAX_ACCESS_CHECKS } from '@plansync/protocol'
import { createHttpAccessChecker, createSyncTokenVerifier } from '@plansync/sync-server'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type FakeAccessCheck, PREFIX, startFakeAccessCheck } from './utils/fake-access-check.ts'
import { type InProcessServer, startInProcessServer } from './utils/in-process-server.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import { connectRaw } from './utils/raw-client.ts'
import { createTokenMinter, type TokenMinter } from './utils/token-keys.ts'
import { waitFor } from './utils/wait.ts'

const doc = 'calendar:family'
const secret = 'internal-secret-of-at-least-32-chars'
let minter: TokenMinter
let fake: FakeAccessCheck
let server: InProcessServer
const cleanups: Array<() => void> = []

beforeAll(async () => {
  minter = await createTokenMinter()
})

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  await server?.close()
  await fake?.close()
})

async function start(intervalMs = 200) {
  fake = await startFakeAccessCheck()
  server = await startInProcessServer({
    verifier: createSyncTokenVerifier({ jwks: minter.jwks }),
    accessChecker: createHttpAccessChecker({ authUrl: fake.authUrl, secret }),
    accessRecheckMs: intervalMs,
  })
}

async function join(userId: string, role: 'viewer' | 'editor' | 'owner') {
  fake.roles.set(`${userId} ${doc}`, role)
  const token = await minter.mint({ userId, doc, role })
  const client = connectProvider(server.syncUrl, doc, { params: { token } })
  const closes: number[] = []
  client.provider.on('connection-close', (event: CloseEvent | null) => {
    if (event) closes.push(event.code)
  })
  cleanups.push(() => client.provider.destroy())
  await waitSynced(client.provider)
  return { ...client, token, closes }
}

describe('periodic access recheck', () => {
  it('asks with the secret for each live (user, doc) once and closes a user whose role became null', async () => {
    await start()
    const ann = await join('ann', 'owner')
    const bob = await join('bob', 'editor')
    const bobAgain = await join('bob', 'editor')
    await waitFor(() => fake.requests.length > 0, 'a recheck request', 2_000)
    const [first] = fake.requests
    expect(first?.path).toBe(`${PREFIX}${ACCESS_CHECK_PATH}`)
    expect(first?.authorization).toBe(`Bearer ${secret}`)
    expect(first?.body.checks).toHaveLength(2)
    expect(first?.body.checks).toEqual(
      expect.arrayContaining([
        { userId: 'ann', doc },
        { userId: 'bob', doc },
      ]),
    )

    fake.roles.delete(`bob ${doc}`)
    await waitFor(
      () =>
        bob.closes.includes(CloseCode.forbidden) && bobAgain.closes.includes(CloseCode.forbidden),
      'both of bob’s connections closed with 4403',
      2_000,
    )
    expect(ann.closes).toEqual([])
    bob.provider.destroy()
    bobAgain.provider.destroy()
    // The token bob held was issued before the recheck saw the removal: it
    // is refused at once (no sync step 1), not left to the next recheck.
    const replay = await connectRaw(`${server.syncUrl}/${doc}?token=${bob.token}`)
    expect((await replay.waitForClose()).code).toBe(CloseCode.forbidden)
    expect(replay.frames).toEqual([])
  })

  it('raises and lowers roles in place', async () => {
    await start()
    const ann = await join('ann', 'owner')
    const cat = await join('cat', 'viewer')
    fake.roles.set(`cat ${doc}`, 'editor')
    const asked = fake.requests.length
    await waitFor(() => fake.requests.length > asked + 1, 'a recheck after the change', 2_000)
    cat.doc.getMap('meta').set('raised', true)
    await waitFor(() => ann.doc.getMap('meta').get('raised') === true, 'raised cat writes', 2_000)

    fake.roles.set(`cat ${doc}`, 'viewer')
    const again = fake.requests.length
    await waitFor(() => fake.requests.length > again + 1, 'a recheck after the demotion', 2_000)
    cat.doc.getMap('meta').set('lowered', true)
    ann.doc.getMap('meta').set('sentinel', 1)
    await waitFor(() => cat.doc.getMap('meta').get('sentinel') === 1, 'ann → cat', 2_000)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(ann.doc.getMap('meta').has('lowered')).toBe(false)
    expect(cat.closes).toEqual([])
  })

  it('leaves connections as they are and counts the failure when the auth API fails', async () => {
    await start(3_600_000)
    const bob = await join('bob', 'editor')
    fake.roles.delete(`bob ${doc}`)
    fake.failWith = 500
    await server.server.recheckAccess()
    // A 200 without a body that answers every check is a failure too.
    fake.failWith = 200
    await server.server.recheckAccess()
    expect(fake.requests).toHaveLength(2)
    const failures = await server.server.metrics.accessRecheckFailures.get()
    expect(failures.values[0]?.value).toBe(2)
    bob.doc.getMap('meta').set('still', 'writing')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(bob.closes).toEqual([])
  })

  it('sends at most MAX_ACCESS_CHECKS pairs per request and keeps the order', async () => {
    fake = await startFakeAccessCheck()
    const pairs = Array.from({ length: 2 * MAX_ACCESS_CHECKS + 5 }, (_, i) => ({
      userId: `u${i}`,
      doc: `calendar:c${i}`,
    }))
    for (const [i, pair] of pairs.entries()) {
      if (i % 3 === 0) fake.roles.set(`${pair.userId} ${pair.doc}`, 'viewer')
    }
    const roles = await createHttpAccessChecker({ authUrl: `${fake.authUrl}/`, secret }).check(
      pairs,
    )
    expect(fake.requests.map((r) => r.body.checks.length)).toEqual([
      MAX_ACCESS_CHECKS,
      MAX_ACCESS_CHECKS,
      5,
    ])
    expect(fake.requests[0]?.path).toBe(`${PREFIX}${ACCESS_CHECK_PATH}`)
    expect(roles).toEqual(pairs.map((_, i) => (i % 3 === 0 ? 'viewer' : null)))
  })
})
