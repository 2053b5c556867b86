// One behaviour suite for every LocalStore adapter.
import { describe, expect, it } from 'vitest'
import type { LocalStore } from './types.ts'

export function describeLocalStore(
  name: string,
  create: () => Promise<LocalStore> | LocalStore,
): void {
  describe(`LocalStore: ${name}`, () => {
    it('keeps updates per doc in write order, replaces on compaction, clears on logout', async () => {
      const store = await create()
      await store.append('calendar:a', new Uint8Array([1]))
      await store.append('event:b', new Uint8Array([9, 9]))
      await store.append('calendar:a', new Uint8Array([2, 3]))
      expect(await store.load('calendar:a')).toEqual([new Uint8Array([1]), new Uint8Array([2, 3])])
      expect(await store.load('unknown:doc')).toEqual([])
      await store.replace('calendar:a', new Uint8Array([7]))
      expect(await store.load('calendar:a')).toEqual([new Uint8Array([7])])
      expect(await store.load('event:b')).toEqual([new Uint8Array([9, 9])])
      await store.clear()
      expect(await store.load('event:b')).toEqual([])
      await store.close()
    })
  })
}
