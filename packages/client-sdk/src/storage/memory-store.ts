// A LocalStore in memory: for tests and for apps that want no persistence.
import type { LocalStore } from './types.ts'

export function createMemoryStore(): LocalStore {
  const docs = new Map<string, Uint8Array[]>()
  const confirmed = new Map<string, Uint8Array>()
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
    async loadConfirmed(docName) {
      return confirmed.get(docName) ?? null
    },
    async saveConfirmed(docName, record) {
      confirmed.set(docName, record)
    },
    async clear() {
      docs.clear()
      confirmed.clear()
    },
    async close() {},
  }
}
