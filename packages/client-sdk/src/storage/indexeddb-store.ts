// A LocalStore in the browser's IndexedDB (through `idb`): one object store
// of updates keyed by an auto-increment id and indexed by doc name, so loads
// come back in write order, and one of confirmed records keyed by doc name.
// One database per signed-in user keeps two accounts on one device apart;
// `clear()` empties and deletes it at logout.
//
// Tabs: every tab of the app holds its own connection. Deleting the database
// (logout in one tab) or upgrading it (a newer app version) waits until every
// other connection is closed, so each connection closes itself when told
// (`versionchange`, idb's `blocking`) and the next use opens a fresh one.
import { type DBSchema, deleteDB, type IDBPDatabase, openDB } from 'idb'
import type { LocalStore } from './types.ts'

interface ReplicaDb extends DBSchema {
  updates: {
    key: number
    value: { doc: string; update: Uint8Array }
    indexes: { byDoc: string }
  }
  confirmed: { key: string; value: Uint8Array }
}

/** 1: updates; 2: confirmed records. */
const DB_VERSION = 2
/** How long logout waits for the database deletion (its data is gone before). */
const DELETE_WAIT_MS = 2_000

export function createIndexedDbStore(options: { name?: string } = {}): LocalStore {
  const name = options.name ?? 'plansync'
  let opened: Promise<IDBPDatabase<ReplicaDb>> | undefined

  /** Closes a connection and forgets it, so the next call opens a new one. */
  async function release(connection: Promise<IDBPDatabase<ReplicaDb>>): Promise<void> {
    if (opened === connection) opened = undefined
    try {
      ;(await connection).close()
    } catch {
      // It never opened: nothing to close.
    }
  }

  const db = () => {
    if (opened) return opened
    const connection: Promise<IDBPDatabase<ReplicaDb>> = openDB<ReplicaDb>(name, DB_VERSION, {
      // By what is there rather than by the old version number: a database
      // made empty at any version gets both stores.
      upgrade(database) {
        if (!database.objectStoreNames.contains('updates')) {
          database.createObjectStore('updates', { autoIncrement: true }).createIndex('byDoc', 'doc')
        }
        if (!database.objectStoreNames.contains('confirmed')) {
          database.createObjectStore('confirmed')
        }
      },
      // Another tab deletes (logout) or upgrades the database: let it.
      blocking: () => void release(connection),
      // The browser closed it (storage cleared by the user): reopen next time.
      terminated: () => {
        if (opened === connection) opened = undefined
      },
    })
    opened = connection
    // A failed open is not kept: the next call tries again.
    connection.catch(() => {
      if (opened === connection) opened = undefined
    })
    return connection
  }

  return {
    async load(docName) {
      const rows = await (await db()).getAllFromIndex('updates', 'byDoc', docName)
      return rows.map((row) => row.update)
    },
    async append(docName, update) {
      await (await db()).add('updates', { doc: docName, update })
    },
    async replace(docName, state) {
      const tx = (await db()).transaction('updates', 'readwrite')
      const keys = await tx.store.index('byDoc').getAllKeys(docName)
      await Promise.all([
        ...keys.map((key) => tx.store.delete(key)),
        tx.store.add({ doc: docName, update: state }),
        tx.done,
      ])
    },
    async loadConfirmed(docName) {
      return (await (await db()).get('confirmed', docName)) ?? null
    },
    async saveConfirmed(docName, record) {
      await (await db()).put('confirmed', record, docName)
    },
    async clear() {
      // Empty it first, on this connection: no other tab can hold that up,
      // so the data is gone even if the deletion has to wait for one.
      let emptied = false
      try {
        const tx = (await db()).transaction(['updates', 'confirmed'], 'readwrite')
        await Promise.all([
          tx.objectStore('updates').clear(),
          tx.objectStore('confirmed').clear(),
          tx.done,
        ])
        emptied = true
      } catch {
        // Closed under us (another tab is deleting it): the deletion below covers it.
      }
      if (opened) await release(opened)
      // Other tabs of this app close on versionchange; a tab that does not
      // (an older version of the app) must not hang the logout.
      let timer: ReturnType<typeof setTimeout> | undefined
      await Promise.race([
        deleteDB(name).catch((error: unknown) => {
          if (!emptied) throw error
        }),
        new Promise((resolve) => {
          timer = setTimeout(resolve, DELETE_WAIT_MS)
        }),
      ])
      clearTimeout(timer)
    },
    async close() {
      if (opened) await release(opened)
    },
  }
}
