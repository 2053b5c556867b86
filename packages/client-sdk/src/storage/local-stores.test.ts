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

describeLocalStore('memory', () => createMemoryStore())
describeLocalStore('file', async () =>
  createFileStore({ dir: await mkdtemp(path.join(tmpdir(), 'plansync-ls-')) }),
)
describeLocalStore('indexeddb', () => createIndexedDbStore({ name: `test-${Math.random()}` }))
