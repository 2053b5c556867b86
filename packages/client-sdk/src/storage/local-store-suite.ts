// One behaviour suite for every LocalStore adapter.
import { describe, expect, it } from 'vitest'
import type { LocalStore } from './types.ts'

/**
 * `place()` makes a new, empty place and returns how to open a store on it;
 * opening it again reads what earlier stores there wrote (for the memory
 * adapter, the same store).
 */
export function describeLocalStore(
  name: string,
  place: () => Promise<() => LocalStore> | (() => LocalStore),
): void {
  describe(`LocalStore: ${name}`, () => {
    it('keeps updates per doc in write order, replaces on compaction, clears on logout', async () => {
      const store = (await place())()
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

    it('keeps one confirmed record per doc, replaced by the next, apart from updates', async () => {
      const store = (await place())()
      expect(await store.loadConfirmed('calendar:a')).toBeNull()
      await store.append('calendar:a', new Uint8Array([1]))
      await store.saveConfirmed('calendar:a', new Uint8Array([4, 2]))
      await store.saveConfirmed('event:b', new Uint8Array([5]))
      await store.saveConfirmed('calendar:a', new Uint8Array([4, 3]))
      expect(await store.loadConfirmed('calendar:a')).toEqual(new Uint8Array([4, 3]))
      expect(await store.loadConfirmed('event:b')).toEqual(new Uint8Array([5]))
      // Compaction replaces updates, never the record.
      await store.replace('calendar:a', new Uint8Array([7]))
      expect(await store.loadConfirmed('calendar:a')).toEqual(new Uint8Array([4, 3]))
      expect(await store.load('calendar:a')).toEqual([new Uint8Array([7])])
      await store.clear()
      expect(await store.loadConfirmed('calendar:a')).toBeNull()
      expect(await store.loadConfirmed('event:b')).toBeNull()
      await store.close()
    })

    it('reads back updates and records after a restart', async () => {
      const open = await place()
      const first = open()
      await first.append('calendar:a', new Uint8Array([1]))
      await first.append('calendar:a', new Uint8Array([2]))
      await first.saveConfirmed('calendar:a', new Uint8Array([8]))
      await first.close()
      const second = open()
      expect(await second.load('calendar:a')).toEqual([new Uint8Array([1]), new Uint8Array([2])])
      expect(await second.loadConfirmed('calendar:a')).toEqual(new Uint8Array([8]))
      await second.clear()
      await second.close()
      expect(await open().load('calendar:a')).toEqual([])
    })
  })
}
