// A LocalStore in memory: for tests and for apps that want no persistence.
import type { LocalStore } from './types.ts'

export function createMemoryStore(): LocalStore {
  const docs = new Map<string, Uint8Array[]>()
  return {
    async load(docName) {
      return [...(docs.get(docName) ?? [])]
    },
    async append(docName, update) {
      const updates = docs.get(docName) ?? []
      updates.push(update)
      docs.set(docName, updates)
    },
    async replace(docName, state) {
      docs.set(docName, [state])
    },
    async clear() {
      docs.clear()
    },
    async close() {},
  }
}
