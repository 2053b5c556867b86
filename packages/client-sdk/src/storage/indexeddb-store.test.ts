// The IndexedDB store with several tabs: a logout in one tab deletes the
// database at once because the other tabs' connections close on
// versionchange; a tab that holds on (older code) cannot hang the logout,
// and the data is gone anyway. A database from version 1 upgrades in place.
import 'fake-indexeddb/auto'
import { openDB } from 'idb'
import { describe, expect, it } from 'vitest'
import { createIndexedDbStore } from './indexeddb-store.ts'

const dbName = () => `tabs-${Math.random()}`

describe('IndexedDB store across tabs', () => {
  it('deletes the database at logout while another tab has it open', async () => {
    const name = dbName()
    const tabA = createIndexedDbStore({ name })
    const tabB = createIndexedDbStore({ name })
    await tabA.append('calendar:a', new Uint8Array([1]))
    await tabB.saveConfirmed('calendar:a', new Uint8Array([2]))
    expect(await tabB.load('calendar:a')).toEqual([new Uint8Array([1])])

    const started = performance.now()
    await tabA.clear()
    // Not the bounded wait for a tab that holds on: tab B let go at once.
    expect(performance.now() - started).toBeLessThan(1_000)
    // Gone: opening it now makes a new, empty database.
    const fresh = await openDB(name)
    expect(fresh.objectStoreNames.contains('updates')).toBe(false)
    fresh.close()
    // Tab B opens a fresh, empty database on its next use.
    expect(await tabB.load('calendar:a')).toEqual([])
    expect(await tabB.loadConfirmed('calendar:a')).toBeNull()
    await tabA.close()
    await tabB.close()
  })

  it('clears the data and returns even when a tab never lets go', async () => {
    const name = dbName()
    const store = createIndexedDbStore({ name })
    await store.append('calendar:a', new Uint8Array([1]))
    await store.saveConfirmed('calendar:a', new Uint8Array([2]))
    // A connection with no versionchange handler, as an older app version has.
    const stubborn = await openDB(name)
    await store.clear()
    // The deletion still waits for that tab; what it sees is already empty.
    expect(await stubborn.count('updates')).toBe(0)
    expect(await stubborn.count('confirmed')).toBe(0)
    stubborn.close()
    await store.close()
  })

  it('upgrades a version 1 database and keeps its updates', async () => {
    const name = dbName()
    const v1 = await openDB(name, 1, {
      upgrade(database) {
        database.createObjectStore('updates', { autoIncrement: true }).createIndex('byDoc', 'doc')
      },
    })
    await v1.add('updates', { doc: 'calendar:a', update: new Uint8Array([5]) })
    v1.close()
    const store = createIndexedDbStore({ name })
    expect(await store.load('calendar:a')).toEqual([new Uint8Array([5])])
    await store.saveConfirmed('calendar:a', new Uint8Array([6]))
    expect(await store.loadConfirmed('calendar:a')).toEqual(new Uint8Array([6]))
    await store.clear()
    await store.close()
  })
})
