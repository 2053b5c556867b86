// The inbox handle over a local replica: entries the notifier wrote appear
// live, read marks are this user's, malformed entries are skipped.
import { addInboxEntry } from '@plansync/schema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DocHandle } from './doc-handle.ts'
import { InboxHandle } from './inbox-handle.ts'
import { createMemoryStore } from './storage/memory-store.ts'

async function offlineInbox(): Promise<InboxHandle> {
  const denied = Object.assign(new Error('offline test'), { authDenied: true })
  const handle = new DocHandle(
    'user:ann:inbox',
    createMemoryStore(),
    { url: 'ws://127.0.0.1:9/sync', getToken: () => Promise.reject(denied) },
    () => {},
  )
  await handle.open()
  return new InboxHandle('ann', handle, () => 5000)
}

describe('InboxHandle', () => {
  it('shows what the notifier added, live, and marks entries read', async () => {
    const inbox = await offlineInbox()
    const changes: string[] = []
    inbox.on('change', (origin) => changes.push(origin))
    // The notifier's update arrives like any remote one.
    const notifier = new Y.Doc()
    addInboxEntry(notifier, {
      id: 'r1',
      kind: 'reminder',
      title: 'Picnic in 30 minutes',
      body: 'Riverside park',
      url: null,
      createdAt: 1000,
    })
    addInboxEntry(notifier, {
      id: 'r2',
      kind: 'invited',
      title: 'Bob invited you to Family',
      body: '',
      url: null,
      createdAt: 2000,
    })
    Y.applyUpdate(inbox.doc, Y.encodeStateAsUpdate(notifier), 'remote')
    expect(changes).toEqual(['remote'])
    expect(inbox.entries().map((e) => e.title)).toEqual([
      'Bob invited you to Family',
      'Picnic in 30 minutes',
    ])
    expect(inbox.unreadCount()).toBe(2)
    expect(inbox.markRead('r1')).toBe(true)
    expect(inbox.markRead('missing')).toBe(false)
    expect(inbox.entries().find((e) => e.id === 'r1')?.readAt).toBe(5000)
    inbox.markAllRead()
    expect(inbox.unreadCount()).toBe(0)
    inbox.markRead('r2', false)
    expect(inbox.unreadCount()).toBe(1)
    await inbox.close()
  })
})
