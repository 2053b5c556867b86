// Runs the shared DocStore suite on SQLite files in a temp dir, plus file-level checks.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createSqliteStore, openSqliteDatabase } from './sqlite.ts'
import { describeDocStore } from './store-suite.ts'

let dir: string
let files = 0
let newestFile = ''

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plansync-sqlite-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A fresh store on a new file; the nested folder checks that missing parents are created. */
async function makeStore() {
  newestFile = join(dir, `store-${++files}`, 'nested', 'docs.db')
  const store = createSqliteStore({ file: newestFile })
  await store.migrate()
  return store
}

describeDocStore('sqlite', makeStore, {
  async snapshotRows(docName) {
    const db = new Database(newestFile, { readonly: true })
    try {
      const row = db.prepare('select count(*) as n from snapshots where doc = ?').get(docName)
      return (row as { n: number }).n
    } finally {
      db.close()
    }
  },
})

describe('sqlite store file', () => {
  it('keeps snapshot and log across close and reopen', async () => {
    const doc = new Y.Doc()
    const updates: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => updates.push(update))
    doc.getMap('events').set('e1', { title: 'standup' })
    doc.getText('notes').insert(0, 'kept')
    const store = await makeStore()
    await store.append(updates.splice(0).map((update) => ({ docName: 'a', update })))
    await store.compact('a')
    doc.getText('notes').insert(4, ' after')
    await store.append(updates.splice(0).map((update) => ({ docName: 'a', update })))
    await store.close()

    const reopened = createSqliteStore({ file: newestFile })
    await reopened.migrate()
    const stored = await reopened.load('a')
    expect(stored.snapshot).not.toBeNull()
    expect(stored.updates).toHaveLength(1)
    const restored = new Y.Doc()
    for (const update of [stored.snapshot, ...stored.updates])
      Y.applyUpdate(restored, update as Uint8Array)
    expect(restored.getText('notes').toString()).toBe('kept after')
    expect(restored.getMap('events').toJSON()).toEqual({ e1: { title: 'standup' } })
    await reopened.close()
  })

  it('opens with WAL journaling and synchronous=FULL', () => {
    const db = openSqliteDatabase(join(dir, 'pragmas', 'check.db'))
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(db.pragma('synchronous', { simple: true })).toBe(2) // 2 = FULL
      expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0)
    } finally {
      db.close()
    }
  })
})
