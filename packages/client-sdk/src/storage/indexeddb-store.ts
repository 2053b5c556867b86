// A LocalStore in the browser's IndexedDB (through `idb`): one object store
// of updates keyed by an auto-increment id and indexed by doc name, so loads
// come back in write order. One database per signed-in user keeps two
// accounts on one device apart; `clear()` deletes it at logout.
import { type DBSchema, deleteDB, type IDBPDatabase, openDB } from 'idb'
import type { LocalStore } from './types.ts'

interface ReplicaDb extends DBSchema {
  updates: {
    key: number
    value: { doc: string; update: Uint8Array }
    indexes: { byDoc: string }
  }
}

export function createIndexedDbStore(options: { name?: string } = {}): LocalStore {
  const name = options.name ?? 'plansync'
  let opened: Promise<IDBPDatabase<ReplicaDb>> | undefined
  const db = () => {
    opened ??= openDB<ReplicaDb>(name, 1, {
      upgrade(database) {
        const store = database.createObjectStore('updates', { autoIncrement: true })
        store.createIndex('byDoc', 'doc')
      },
    })
    return opened
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
      ])
      await tx.done
    },
    async clear() {
      if (opened) (await opened).close()
      opened = undefined
      await deleteDB(name)
    },
    async close() {
      if (opened) (await opened).close()
      opened = undefined
    },
  }
}
