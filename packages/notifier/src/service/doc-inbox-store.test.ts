// The inbox as a Yjs doc over real sync storage (SQLite): entries added once
// per id, concurrent adds all kept under one client id, every write stored
// before it is announced, and the in-app channel on top of it.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { readInbox } from '@plansync/schema'
import { createSqliteStore, type DocStore } from '@plansync/sync-server'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createInAppChannel } from '../channels/in-app.ts'
import { createDocInboxStore } from './doc-inbox-store.ts'
import { createStoreDocReader } from './doc-reader.ts'
import { createDocWriter } from './doc-writer.ts'

describe('inbox docs written by the notifier', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })

  async function setup() {
    const dir = await mkdtemp(path.join(tmpdir(), 'plansync-inbox-'))
    const store: DocStore = createSqliteStore({ file: path.join(dir, 'docs.sqlite') })
    await store.migrate()
    cleanups.push(async () => {
      await store.close()
      await rm(dir, { recursive: true, force: true })
    })
    const announced: Array<{ docName: string; update: Uint8Array; stored: boolean }> = []
    const writer = createDocWriter({
      store,
      announce: (docName, update) =>
        void store.load(docName).then((doc) => {
          // The announced update must already be in storage.
          const stored = new Y.Doc()
          for (const part of [doc.snapshot, ...doc.updates]) if (part) Y.applyUpdate(stored, part)
          const probe = new Y.Doc()
          Y.applyUpdate(probe, Y.encodeStateAsUpdate(stored))
          const before = Y.encodeStateVector(probe).join()
          Y.applyUpdate(probe, update)
          announced.push({ docName, update, stored: Y.encodeStateVector(probe).join() === before })
        }),
    })
    const reader = createStoreDocReader(store)
    return { store, inbox: createDocInboxStore({ reader, writer }), announced, reader }
  }

  const item = (id: string, createdAt = 1000) => ({
    id,
    kind: 'reminder',
    title: `Reminder ${id}`,
    body: 'Picnic at 12:00',
    createdAt,
  })

  it('adds an entry once, stores it before announcing, and a client replica sees it', async () => {
    const { inbox, announced, store } = await setup()
    expect(await inbox.add('ann', item('r1'))).toBe(true)
    expect(await inbox.add('ann', item('r1'))).toBe(false)
    await expect.poll(() => announced.length).toBe(1)
    expect(announced[0]).toMatchObject({ docName: 'user:ann:inbox', stored: true })
    const client = new Y.Doc()
    Y.applyUpdate(client, announced[0]?.update as Uint8Array)
    expect(readInbox(client).map((entry) => entry.title)).toEqual(['Reminder r1'])
    expect((await store.load('user:ann:inbox')).updates).toHaveLength(1)
    expect(await inbox.unreadCount('ann')).toBe(1)
    expect(await inbox.markRead('ann', 'r1', 2000)).toBe(true)
    expect(await inbox.list('ann', { unreadOnly: true })).toEqual([])
    expect(await inbox.markUnread('ann', 'missing')).toBe(false)
  })

  it('keeps every one of many concurrent adds, with one client id for the writer', async () => {
    const { inbox, reader } = await setup()
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => inbox.add('bob', item(`r${i}`, 1000 + i))),
    )
    expect(results.every(Boolean)).toBe(true)
    const doc = await reader.read('user:bob:inbox')
    expect(readInbox(doc)).toHaveLength(25)
    expect(doc.store.pendingStructs).toBeNull()
    expect(Y.decodeStateVector(Y.encodeStateVector(doc)).size).toBe(1)
  })

  it('delivers through the in-app channel, once per idempotency key', async () => {
    const { inbox } = await setup()
    const channel = createInAppChannel({ store: inbox })
    const notification = {
      kind: 'reminder',
      recipient: { userId: 'cat' },
      title: 'Picnic in 30 minutes',
      body: 'Riverside park',
      createdAt: 1000,
    }
    const first = await channel.send(notification, { idempotencyKey: 'picnic:cat:in-app' })
    const again = await channel.send(notification, { idempotencyKey: 'picnic:cat:in-app' })
    expect([first.status, again.status]).toEqual(['delivered', 'delivered'])
    expect(await inbox.list('cat')).toHaveLength(1)
  })
})
