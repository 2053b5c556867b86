// Writes into docs from outside the sync servers (the inbox): reads the
// doc's durable state from storage, makes the change, appends the resulting
// update to storage, then announces it so sync servers holding the doc send
// it to their clients (embedded: straight to the sync server in this
// process; cluster: through the Redis relay). Storage first, as everywhere:
// a server that misses the announcement finds the update when it loads.
import type { DocStore } from '@plansync/sync-server'
import * as Y from 'yjs'

export interface DocWriter {
  /**
   * Runs `mutate` on the doc's current state and stores what it changed.
   * Resolves with `mutate`'s result; nothing is written if it changed nothing.
   */
  change<T>(docName: string, mutate: (doc: Y.Doc) => T): Promise<T>
}

export function createDocWriter(options: {
  store: Pick<DocStore, 'load' | 'append'>
  /** Tells the sync servers a durable update exists. */
  announce: (docName: string, update: Uint8Array) => void
}): DocWriter {
  // Writes to one doc run one after another: two at once from this process
  // would use one client id for two different updates.
  const queues = new Map<string, Promise<unknown>>()
  const clientIds = new Map<string, number>()

  async function write<T>(docName: string, mutate: (doc: Y.Doc) => T): Promise<T> {
    const stored = await options.store.load(docName)
    const doc = new Y.Doc()
    try {
      for (const part of [stored.snapshot, ...stored.updates]) if (part) Y.applyUpdate(doc, part)
      // After loading (Yjs renames a doc whose own id arrives remotely), one
      // id per doc per process, so this writer adds to one clock.
      const clientId = clientIds.get(docName) ?? doc.clientID
      clientIds.set(docName, clientId)
      doc.clientID = clientId
      const updates: Uint8Array[] = []
      doc.on('update', (update: Uint8Array) => updates.push(update))
      const result = mutate(doc)
      if (updates.length > 0) {
        const update = updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates)
        await options.store.append([{ docName, update }])
        options.announce(docName, update)
      }
      return result
    } finally {
      doc.destroy()
    }
  }

  return {
    change(docName, mutate) {
      const previous = queues.get(docName) ?? Promise.resolve()
      const next = previous.catch(() => {}).then(() => write(docName, mutate))
      queues.set(docName, next)
      void next
        .finally(() => {
          if (queues.get(docName) === next) queues.delete(docName)
        })
        .catch(() => {})
      return next
    },
  }
}
