// A LocalStore on the file system (Node, Electron, React Native with a
// Node-like fs): one append-only file per doc of length-prefixed updates,
// each append fsync'd, so an edit made offline survives a crash or restart.
// A torn last record (power loss mid-append) is ignored on load. The
// confirmed record is a second small file per doc, replaced atomically
// (written beside it, then renamed over it).
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import type { LocalStore } from './types.ts'

export function createFileStore(options: { dir: string }): LocalStore {
  const baseOf = (docName: string) =>
    path.join(options.dir, Buffer.from(docName).toString('base64url'))
  const fileOf = (docName: string) => `${baseOf(docName)}.updates`
  const confirmedOf = (docName: string) => `${baseOf(docName)}.confirmed`
  // Appends to one file are serialized so records never interleave.
  const queues = new Map<string, Promise<void>>()
  const serial = (docName: string, task: () => Promise<void>) => {
    const next = (queues.get(docName) ?? Promise.resolve()).then(task)
    queues.set(
      docName,
      next.catch(() => {}),
    )
    return next
  }

  async function write(file: string, bytes: Uint8Array, flag: 'a' | 'w'): Promise<void> {
    await mkdir(options.dir, { recursive: true })
    const handle = await open(file, flag)
    try {
      await handle.write(bytes)
      await handle.sync()
    } finally {
      await handle.close()
    }
  }

  /** Writes a whole file under a temporary name, then renames it over the old one. */
  async function swap(file: string, bytes: Uint8Array): Promise<void> {
    await write(`${file}.tmp`, bytes, 'w')
    await rename(`${file}.tmp`, file)
  }

  return {
    async load(docName) {
      const bytes = await readIfThere(fileOf(docName))
      if (!bytes) return []
      const updates: Uint8Array[] = []
      for (let at = 0; at + 4 <= bytes.length; ) {
        const length = bytes.readUInt32BE(at)
        if (at + 4 + length > bytes.length) break
        updates.push(new Uint8Array(bytes.subarray(at + 4, at + 4 + length)))
        at += 4 + length
      }
      return updates
    },
    append: (docName, update) => serial(docName, () => write(fileOf(docName), frame(update), 'a')),
    replace: (docName, state) => serial(docName, () => swap(fileOf(docName), frame(state))),
    async loadConfirmed(docName) {
      const bytes = await readIfThere(confirmedOf(docName))
      return bytes && new Uint8Array(bytes)
    },
    saveConfirmed: (docName, record) => serial(docName, () => swap(confirmedOf(docName), record)),
    async clear() {
      await Promise.all(queues.values())
      await rm(options.dir, { recursive: true, force: true })
    },
    async close() {
      await Promise.all(queues.values())
    },
  }
}

async function readIfThere(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

function frame(update: Uint8Array): Uint8Array {
  const out = Buffer.alloc(4 + update.byteLength)
  out.writeUInt32BE(update.byteLength, 0)
  out.set(update, 4)
  return out
}
