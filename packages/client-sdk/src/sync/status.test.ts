import { describe, expect, it } from 'vitest'
import { combineStatus } from './status.ts'

describe('combineStatus', () => {
  it('is offline with nothing open', () => {
    expect(combineStatus([])).toEqual({ state: 'offline', pending: 0, lastConfirmedAt: null })
  })

  it('takes the least advanced state, sums pending and keeps the newest confirmation', () => {
    expect(
      combineStatus([
        { state: 'synced', pending: 0, lastConfirmedAt: 5 },
        { state: 'syncing', pending: 2, lastConfirmedAt: 9 },
        { state: 'synced', pending: 1, lastConfirmedAt: null },
      ]),
    ).toEqual({ state: 'syncing', pending: 3, lastConfirmedAt: 9 })
    expect(
      combineStatus([
        { state: 'offline', pending: 0, lastConfirmedAt: null },
        { state: 'needs-auth', pending: 0, lastConfirmedAt: null },
      ]).state,
    ).toBe('needs-auth')
  })
})
