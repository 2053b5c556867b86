// Reads a doc's current snapshot straight from the sync servers' storage
// (snapshot plus log tail), the way a fresh client would see it.
import type { DocStore } from '@plansync/sync-server'
import * as Y from 'yjs'

export interface DocReader {
  read(docName: string): Promise<Y.Doc>
}

export function createStoreDocReader(store: Pick<DocStore, 'load'>): DocReader {
  return {
    async read(docName) {
      const stored = await store.load(docName)
      const doc = new Y.Doc()
      for (const part of [stored.snapshot, ...stored.updates]) if (part) Y.applyUpdate(doc, part)
      return doc
    },
  }
}
