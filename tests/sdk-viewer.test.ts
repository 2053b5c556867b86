// A viewer against the real embedded process: opening a calendar and an
// event planning space that no editor has opened yet (no schema version
// recorded) writes nothing, so nothing stays pending and the client has no
// unsaved changes; typed writes are refused with a SchemaError naming the
// role; an editor's later changes still reach the viewer.
import type { PlansyncClient } from '@plansync/client-sdk'
import { describe, expect, it } from 'vitest'
import { useEmbeddedServer } from './utils/sdk-harness.ts'
import { waitFor } from './utils/wait.ts'

describe('a viewer opening docs nobody migrated yet', () => {
  const harness = useEmbeddedServer()

  async function signedIn(name: string): Promise<PlansyncClient> {
    const client = harness.client(name)
    await client.register({ username: name, password: `a long password for ${name}` })
    return client
  }

  it('writes nothing, has no unsaved changes, and is refused typed writes', {
    timeout: 60_000,
  }, async () => {
    const ann = await signedIn('viewer-ann')
    const cat = await signedIn('viewer-cat')
    const { calendar } = await ann.api.createCalendar({ name: 'Club', timeZone: 'UTC' })
    const event = await ann.api.createEventRecord(calendar.id)
    const { link } = await ann.api.invite(calendar.id, { username: 'viewer-cat', role: 'viewer' })
    await cat.api.acceptInvite(link.split('/invite/')[1] as string)

    const club = await cat.openCalendar(calendar.id)
    const planning = await cat.openEvent(event.id)
    await waitFor(
      () => club.status.state === 'synced' && planning.status.state === 'synced',
      'both docs synced for the viewer',
      10_000,
    )
    // Give a migration write (there must be none) time to show as pending.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect([club.role, planning.role]).toEqual(['viewer', 'viewer'])
    expect([club.access, planning.access]).toEqual(['read-only', 'read-only'])
    expect(club.doc.getMap('schemaVersions').size).toBe(0)
    expect(cat.hasUnsavedChanges()).toBe(false)
    expect(cat.status()).toMatchObject({ state: 'synced', pending: 0 })

    expect(() =>
      club.createEvent({ title: 'Match', start: '2026-07-01T17:00', end: '2026-07-01T19:00' }),
    ).toThrow(
      expect.objectContaining({ name: 'SchemaError', message: expect.stringMatching(/viewer/) }),
    )
    expect(() => planning.addTask({ title: 'Bring the ball' })).toThrow(/viewer/)
    planning.notes.insert(0, 'scribble')
    expect(planning.notes.toString()).toBe('')
    expect(cat.hasUnsavedChanges()).toBe(false)

    // The editor's changes still arrive (ann migrates the calendar when she opens it).
    const annClub = await ann.openCalendar(calendar.id)
    const match = annClub.createEvent({
      title: 'Match',
      start: '2026-07-01T17:00',
      end: '2026-07-01T19:00',
    })
    await waitFor(
      () => club.events().some((e) => e.id === match),
      'the editor’s event at the viewer',
    )
    // Her migration runs once her replica has synced: it may come after the event.
    await waitFor(
      () => club.doc.getMap('schemaVersions').has('1'),
      'the editor’s migration at the viewer',
    )
    expect(cat.hasUnsavedChanges()).toBe(false)
    for (const handle of [club, planning, annClub]) await handle.close()
  })
})
