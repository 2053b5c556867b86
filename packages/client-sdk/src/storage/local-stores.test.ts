// The LocalStore suite on every adapter: memory, files, IndexedDB (the
// fake-indexeddb implementation, as a browser would run it).
import 'fake-indexeddb/auto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createFileStore } from './file-store.ts'
import { createIndexedDbStore } from './indexeddb-store.ts'
import { describeLocalStore } from './local-store-suite.ts'
import { createMemoryStore } from './memory-store.ts'

describeLocalStore('memory', () => {
  const store = createMemoryStore()
  return () => store
})
describeLocalStore('file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'plansync-ls-'))
  return () => createFileStore({ dir })
})
describeLocalStore('indexeddb', () => {
  const name = `test-${Math.random()}`
  return () => createIndexedDbStore({ name })
})
