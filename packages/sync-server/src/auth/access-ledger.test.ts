// The replay ledger: tokens issued up to an access change are refused or
// capped, later ones pass, and entries expire once no such token can live.
import { SYNC_TOKEN_TTL_SECONDS } from '@plansync/protocol'
import { describe, expect, it } from 'vitest'
import { AccessLedger } from './access-ledger.ts'
import type { Principal } from './verifier.ts'

const doc = 'calendar:family'
const at = 1_800_000_000_000

function setup() {
  let now = at
  const ledger = new AccessLedger({ now: () => now })
  const refusal = (principal: Principal, docName = doc) => {
    try {
      ledger.admit(principal, docName)
      return undefined
    } catch (error) {
      return (error as { code?: string }).code
    }
  }
  return { ledger, refusal, advance: (ms: number) => (now += ms) }
}

const token = (userId: string, role: Principal['role'], issuedAt: number): Principal => ({
  userId,
  role,
  tokenId: `t-${issuedAt}`,
  issuedAt,
})

describe('AccessLedger', () => {
  it('refuses tokens issued up to a removal (403), to the millisecond', () => {
    const { ledger, refusal } = setup()
    ledger.record({ kind: 'member', userId: 'bob', docs: [doc], role: null, at })
    expect(refusal(token('bob', 'editor', at - 60_000))).toBe('forbidden')
    expect(refusal(token('bob', 'editor', at))).toBe('forbidden')
    expect(refusal(token('bob', 'editor', at + 1))).toBeUndefined()
    expect(refusal(token('bob', 'editor', at - 1), 'calendar:other')).toBeUndefined()
    expect(refusal(token('ann', 'editor', at - 1))).toBeUndefined()
  })

  it('refuses a signed-out user everywhere (401) and a deleted doc for everyone (403)', () => {
    const { ledger, refusal } = setup()
    ledger.record({ kind: 'user', userId: 'bob', at })
    ledger.record({ kind: 'doc', docs: ['event:party'], at })
    expect(refusal(token('bob', 'owner', at - 5), 'calendar:any')).toBe('unauthorized')
    expect(refusal(token('ann', 'owner', at - 5), 'event:party')).toBe('forbidden')
    expect(refusal(token('ann', 'owner', at - 5))).toBeUndefined()
  })

  it('caps an older token at a demoted role, never raises one', () => {
    const { ledger } = setup()
    ledger.record({ kind: 'member', userId: 'bob', docs: [doc], role: 'viewer', at })
    ledger.record({ kind: 'member', userId: 'cat', docs: [doc], role: 'owner', at })
    expect(ledger.admit(token('bob', 'owner', at - 1), doc).role).toBe('viewer')
    expect(ledger.admit(token('bob', 'owner', at + 1), doc).role).toBe('owner')
    expect(ledger.admit(token('cat', 'viewer', at - 1), doc).role).toBe('viewer')
  })

  it('lets principals without a token (dev verifier) through', () => {
    const { ledger, refusal } = setup()
    ledger.record({ kind: 'user', userId: 'dev', at })
    expect(refusal({ userId: 'dev', role: 'editor' })).toBeUndefined()
  })

  it('forgets a change once every token issued before it has expired', () => {
    const { ledger, refusal, advance } = setup()
    ledger.record({ kind: 'user', userId: 'bob', at })
    advance(SYNC_TOKEN_TTL_SECONDS * 1000)
    expect(refusal(token('bob', 'editor', at - 1))).toBe('unauthorized')
    advance(61_000)
    // Such a token is long expired: the verifier refuses it, the ledger need not.
    expect(refusal(token('bob', 'editor', at - 1))).toBeUndefined()
  })
})
