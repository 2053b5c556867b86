// The file store keeps updates across restarts, compacts by replacing, skips
// a torn last record, and clears everything on logout.
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createFileStore } from './file-store.ts'

describe('file store', () => {
  let dir: string | undefined
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('round-trips updates across instances, replaces on compaction, ignores a torn tail', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'plansync-store-'))
    const first = createFileStore({ dir })
    await Promise.all([
      first.append('calendar:a', new Uint8Array([1, 2])),
      first.append('calendar:a', new Uint8Array([3])),
    ])
    await first.append('event:b', new Uint8Array([0, 0, 9]))
    await first.close()
    const second = createFileStore({ dir })
    expect(await second.load('calendar:a')).toEqual([new Uint8Array([1, 2]), new Uint8Array([3])])
    expect(await second.load('nothing:here')).toEqual([])
    const [file] = (await readdir(dir)).filter((name) =>
      name.startsWith(Buffer.from('calendar:a').toString('base64url')),
    )
    await appendFile(path.join(dir, file as string), Buffer.from([0, 0, 0, 9, 1]))
    expect(await second.load('calendar:a')).toHaveLength(2)
    await second.replace('calendar:a', new Uint8Array([7, 7]))
    expect(await second.load('calendar:a')).toEqual([new Uint8Array([7, 7])])
    await second.clear()
    expect(await second.load('event:b')).toEqual([])
  })
})
