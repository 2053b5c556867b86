// The SDK against the real embedded process leaks no connection: many
// open/close cycles of several docs (one opened twice, some closed before
// they synced) leave the server with one connection per open doc while
// open, and none once everything is closed (its `sync_connections` gauge).
import type { CalendarHandle } from '@plansync/client-sdk'
import { describe, expect, it } from 'vitest'
import { readMetric } from './utils/markers.ts'
import { useEmbeddedServer } from './utils/sdk-harness.ts'
import { waitFor } from './utils/wait.ts'

const ROUNDS = 15

describe('SDK connections', () => {
  const harness = useEmbeddedServer()
  const connections = () => readMetric(harness.server().url, 'sync_connections')

  it('keeps one connection per open doc and none after closing, over many cycles', async () => {
    const client = harness.client('cycles')
    await client.register({ username: 'sdk-cycles', password: 'a long password for cycles' })
    const ids: string[] = []
    for (const name of ['One', 'Two', 'Three']) {
      ids.push((await client.api.createCalendar({ name })).calendar.id)
    }
    for (let round = 0; round < ROUNDS; round++) {
      const handles: CalendarHandle[] = await Promise.all(ids.map((id) => client.openCalendar(id)))
      handles.push(await client.openCalendar(ids[0] as string))
      if (round % 2 === 0) {
        await waitFor(() => handles.every((h) => h.status.state === 'synced'), 'synced')
        // The last round's closes may still be on their way to the server.
        await waitFor(async () => (await connections()) === ids.length, 'one per doc')
      }
      // Odd rounds close while connecting.
      await Promise.all(handles.map((handle) => handle.close()))
    }
    await waitFor(async () => (await connections()) === 0, 'every connection closed')
    // And none opens late.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await connections()).toBe(0)
  })
})
