// The SDK against the real embedded process: two clients share a calendar
// doc with sync tokens, the sync status moves from connecting to synced with
// pending counts confirmed by the server's acks, edits made offline survive
// an app restart (file store), still count as pending after it, and merge
// on reconnect; a confirmed replica restarts with nothing pending; and a
// removed member lands in needs-auth without a retry loop.
import type { SyncState } from '@plansync/client-sdk'
import { describe, expect, it } from 'vitest'
import { useEmbeddedServer } from './utils/sdk-harness.ts'
import { waitFor } from './utils/wait.ts'

describe('client SDK sync', () => {
  const harness = useEmbeddedServer()
  const newClient = (name: string, session?: string | null) => harness.client(name, session)

  it('shares a doc, reports status and pending, survives an offline restart, and stops on revocation', async () => {
    const ann = newClient('ann')
    const bob = newClient('bob')
    await ann.register({ username: 'sdk-ann', password: 'a long password for ann' })
    const bobUser = await bob.register({ username: 'sdk-bob', password: 'a long password for bob' })
    const { calendar } = await ann.api.createCalendar({ name: 'Family' })
    const { link } = await ann.api.invite(calendar.id, { username: 'sdk-bob', role: 'editor' })
    await bob.api.acceptInvite(link.split('/invite/')[1] as string)

    const annDoc = await ann.openDoc(calendar.doc)
    const states: SyncState[] = []
    annDoc.on('status', (status) => states.push(status.state))
    const bobDoc = await bob.openDoc(calendar.doc)
    await waitFor(
      () => annDoc.status.state === 'synced' && bobDoc.status.state === 'synced',
      'both synced',
    )
    expect(states).toContain('syncing')

    annDoc.doc.getMap('meta').set('name', 'Family')
    expect(annDoc.status.pending).toBeGreaterThan(0)
    expect(ann.hasUnsavedChanges()).toBe(true)
    await waitFor(() => annDoc.status.pending === 0, 'ann saved')
    expect(annDoc.status.lastConfirmedAt).not.toBeNull()
    await waitFor(() => bobDoc.doc.getMap('meta').get('name') === 'Family', 'ann → bob')

    // Bob goes offline, edits, and the app restarts before the network returns.
    bobDoc.sync.disconnect()
    bobDoc.doc.getMap('meta').set('offline-edit', 'from bob')
    expect(bobDoc.status).toMatchObject({ state: 'offline', pending: 1 })
    await bobDoc.flushed()
    const session = bob.session
    await bob.close()
    const bobAgain = newClient('bob', session)
    const restored = await bobAgain.openDoc(calendar.doc)
    expect(restored.doc.getMap('meta').get('offline-edit')).toBe('from bob')
    // Never confirmed by the server: pending after the restart too.
    expect(restored.status.pending).toBeGreaterThan(0)
    expect(bobAgain.hasUnsavedChanges()).toBe(true)
    await waitFor(
      () => annDoc.doc.getMap('meta').get('offline-edit') === 'from bob',
      'offline edit merged',
    )
    await waitFor(() => restored.status.pending === 0, 'restored edit confirmed')
    expect(bobAgain.hasUnsavedChanges()).toBe(false)

    // Confirmed now: the next restart finds nothing pending.
    await restored.flushed()
    await bobAgain.close()
    const bobThird = newClient('bob', session)
    const reopened = await bobThird.openDoc(calendar.doc)
    expect(reopened.status.pending).toBe(0)
    expect(bobThird.hasUnsavedChanges()).toBe(false)

    // Removed from the calendar: closed with 4403, no token, needs-auth, no retry loop.
    await ann.api.removeMember(calendar.id, bobUser.id)
    await waitFor(() => reopened.status.state === 'needs-auth', 'bob needs auth')
    const seen: SyncState[] = []
    reopened.on('status', (status) => seen.push(status.state))
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(seen).toEqual([])
  })
})
