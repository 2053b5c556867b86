// The SDK README's walk-through, run as the script it is
// (packages/client-sdk/examples/shared-calendar.ts) against the real
// embedded process: two users share a calendar, recurrence across DST, a
// moved occurrence, an offline edit, seats, tasks and own reminders.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { useEmbeddedServer } from './utils/sdk-harness.ts'

const example = path.resolve(
  import.meta.dirname,
  '../packages/client-sdk/examples/shared-calendar.ts',
)

describe('the SDK README example', () => {
  const harness = useEmbeddedServer()

  it('runs from start to end with the documented output', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=source', example, harness.server().url],
      { timeout: 60_000 },
    )
    expect(stdout.trim().split('\n')).toEqual([
      'occurrence 2026-03-21T10:00 Europe/Berlin = 2026-03-21T09:00:00.000Z',
      'occurrence 2026-03-28T10:00 Europe/Berlin = 2026-03-28T09:00:00.000Z',
      // Summer time from 29 March: the same wall time is an hour earlier in UTC.
      'occurrence 2026-04-04T10:00 Europe/Berlin = 2026-04-04T08:00:00.000Z',
      'moved: Football practice at 2026-03-28T11:00',
      'bob offline: offline, 1 pending',
      'bob back: synced, 0 pending',
      'seats: ann confirmed, bob waitlisted',
      "bob's tasks: Bring the ball",
      "bob's reminders: 15",
      'done',
    ])
  })
})
