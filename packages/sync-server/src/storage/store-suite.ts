// The one behaviour suite every DocStore implementation runs, with real Yjs docs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { type AppendEntry, type DocStore, StaleFenceError, type StoredDoc } from './types.ts'

/** Backend-specific peeks the interface does not offer. */
export interface StoreProbe {
  /** Snapshot rows stored for a doc, read straight from the database of the newest store. */
  snapshotRows(docName: string): Promise<number>
}

/** An editable doc that records each update it emits, like a client would send them. */
function editor() {
  const doc = new Y.Doc()
  let pending: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => pending.push(update))
  return {
    doc,
    /** Runs one edit per call and returns the updates produced since the last take. */
    take(...edits: ((doc: Y.Doc) => void)[]): Uint8Array[] {
      for (const edit of edits) edit(doc)
      const out = pending
      pending = []
      return out
    },
  }
}

const addEvent = (id: string, title: string) => (doc: Y.Doc) =>
  doc.getMap('events').set(id, { title, start: '2026-01-01T10:00' })
const typeNote = (text: string) => (doc: Y.Doc) =>
  doc.getText('notes').insert(doc.getText('notes').length, text)

/** What a client would see: the content, plus the state vector as a byte-level check. */
function contentOf(doc: Y.Doc) {
  return {
    events: doc.getMap('events').toJSON(),
    notes: doc.getText('notes').toString(),
    blobs: doc.getMap('blobs').toJSON(),
    stateVector: Y.encodeStateVector(doc),
  }
}

function restore(stored: StoredDoc): Y.Doc {
  const doc = new Y.Doc()
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot)
  for (const update of stored.updates) Y.applyUpdate(doc, update)
  return doc
}

export function describeDocStore(
  name: string,
  makeStore: () => Promise<DocStore>,
  probe: StoreProbe,
): void {
  describe(`DocStore: ${name}`, () => {
    let store: DocStore
    const loadContent = async (docName: string) => contentOf(restore(await store.load(docName)))
    const appendAll = (docName: string, updates: Uint8Array[]) =>
      store.append(updates.map((update) => ({ docName, update })))

    beforeEach(async () => {
      store = await makeStore()
    })
    afterEach(async () => {
      await store.close()
    })

    it('loads an unknown doc as empty and pings', async () => {
      await expect(store.ping()).resolves.toBeUndefined()
      expect(await store.load('calendar:none')).toEqual({ snapshot: null, updates: [] })
      expect(await store.logStats('calendar:none')).toEqual({ rows: 0, bytes: 0 })
      expect(await store.compact('calendar:none')).toEqual({ mergedRows: 0, snapshotBytes: 0 })
    })

    it('appends batches spanning docs and loads each doc back exactly, in order', async () => {
      const a = editor()
      const b = editor()
      const a1 = a.take(addEvent('e1', 'standup'), typeNote('hello'))
      const b1 = b.take(addEvent('e9', 'lunch'))
      await store.append(
        [...a1, ...b1].map((update, i) => ({ docName: i < 2 ? 'a' : 'b', update })),
      )
      const a2 = a.take(typeNote(' world'))
      await store.append([{ docName: 'a', update: a2[0] as Uint8Array }])
      await store.append([])
      expect((await store.load('a')).updates).toEqual([...a1, ...a2])
      expect(await store.load('b')).toEqual({ snapshot: null, updates: b1 })
      expect(await loadContent('a')).toEqual(contentOf(a.doc))
      expect(await loadContent('b')).toEqual(contentOf(b.doc))
      const bytes = [...a1, ...a2].reduce((sum, u) => sum + u.byteLength, 0)
      expect(await store.logStats('a')).toEqual({ rows: 3, bytes })
      expect(await store.totalLogRows()).toBe(4)
    })

    it('compacts the tail into one snapshot without changing the content', async () => {
      const a = editor()
      await appendAll('a', a.take(addEvent('e1', 'one'), addEvent('e2', 'two'), typeNote('x')))
      const first = await store.compact('a')
      expect(first.mergedRows).toBe(3)
      expect(first.snapshotBytes).toBeGreaterThan(0)
      expect(await store.logStats('a')).toEqual({ rows: 0, bytes: 0 })
      expect((await store.load('a')).updates).toEqual([])
      expect(await loadContent('a')).toEqual(contentOf(a.doc))
      // A second round merges the old snapshot with the new tail; still exactly one snapshot.
      await appendAll(
        'a',
        a.take((doc) => doc.getMap('events').delete('e1'), typeNote('y')),
      )
      expect((await store.load('a')).updates).toHaveLength(2)
      expect(await loadContent('a')).toEqual(contentOf(a.doc))
      expect((await store.compact('a')).mergedRows).toBe(2)
      expect(await loadContent('a')).toEqual(contentOf(a.doc))
      expect(await probe.snapshotRows('a')).toBe(1)
      expect(await store.totalLogRows()).toBe(0)
    })

    it('refuses fenced writes older than the newest fence per doc, writing nothing', async () => {
      const a = editor()
      const [first, second, third] = a.take(
        addEvent('e1', 'one'),
        addEvent('e2', 'two'),
        addEvent('e3', 'three'),
      ) as [Uint8Array, Uint8Array, Uint8Array]
      await store.append([{ docName: 'a', update: first }], { fence: 5 })
      // A paused holder of an older lease wakes up: its append and compaction are refused.
      await expect(store.append([{ docName: 'a', update: second }], { fence: 4 })).rejects.toThrow(
        StaleFenceError,
      )
      await expect(store.compact('a', { fence: 4 })).rejects.toThrow(StaleFenceError)
      expect((await store.load('a')).updates).toEqual([first])
      // The same token again, a newer one, unfenced writes and other docs all pass.
      await store.append([{ docName: 'a', update: second }], { fence: 5 })
      await store.append([{ docName: 'a', update: third }])
      await store.append([{ docName: 'b', update: first }], { fence: 1 })
      expect((await store.compact('a', { fence: 6 })).mergedRows).toBe(3)
      await expect(store.append([{ docName: 'a', update: first }], { fence: 5 })).rejects.toThrow(
        StaleFenceError,
      )
      expect(await loadContent('a')).toEqual(contentOf(a.doc))
      expect((await store.load('b')).updates).toEqual([first])
      // The highest token used per doc, where a lost lease counter must restart.
      expect(await store.fenceOf('a')).toBe(6)
      expect(await store.fenceOf('b')).toBe(1)
      expect(await store.fenceOf('never-fenced')).toBe(0)
    })

    it('treats compaction with an empty tail as a no-op', async () => {
      const a = editor()
      await appendAll('a', a.take(addEvent('e1', 'one')))
      await store.compact('a')
      const before = await store.load('a')
      expect(await store.compact('a')).toEqual({ mergedRows: 0, snapshotBytes: 0 })
      expect(await store.load('a')).toEqual(before)
      expect(await probe.snapshotRows('a')).toBe(1)
    })

    it('keeps appends that race a compaction', async () => {
      const a = editor()
      await appendAll('a', a.take(addEvent('e0', 'seed')))
      for (let round = 1; round <= 10; round++) {
        const compaction = store.compact('a')
        const appends = [1, 2, 3].map((i) =>
          appendAll('a', a.take(addEvent(`e${round}.${i}`, 'x'))),
        )
        await Promise.all([compaction, ...appends])
      }
      expect(await loadContent('a')).toEqual(contentOf(a.doc))
      expect(Object.keys(a.doc.getMap('events').toJSON())).toHaveLength(31)
      await store.compact('a')
      expect(await store.logStats('a')).toEqual({ rows: 0, bytes: 0 })
      expect(await loadContent('a')).toEqual(contentOf(a.doc))
    })

    it('loses nothing when two compactions of one doc run at once', async () => {
      const a = editor()
      await appendAll('a', a.take(addEvent('e1', 'one')))
      await store.compact('a')
      await appendAll('a', a.take(addEvent('e2', 'two'), typeNote('a'), typeNote('b')))
      const results = await Promise.all([store.compact('a'), store.compact('a')])
      expect(results.reduce((sum, r) => sum + r.mergedRows, 0)).toBe(3)
      expect(await store.logStats('a')).toEqual({ rows: 0, bytes: 0 })
      expect(await loadContent('a')).toEqual(contentOf(a.doc))
      expect(await probe.snapshotRows('a')).toBe(1)
      // Compactions interleaved with appends: each may see a different tail.
      for (let round = 1; round <= 25; round++) {
        const append = (i: number) => appendAll('a', a.take(addEvent(`r${round}.${i}`, 'x')))
        const compact = () => store.compact('a')
        await Promise.all([compact(), append(1), compact(), append(2), compact(), append(3)])
      }
      expect(await loadContent('a')).toEqual(contentOf(a.doc))
      expect(await probe.snapshotRows('a')).toBe(1)
    })

    it('compacts a long history of small updates to the same content', async () => {
      const a = editor()
      const updates = a.take(...Array.from({ length: 2000 }, (_, i) => typeNote(String(i % 10))))
      expect(updates).toHaveLength(2000)
      for (let i = 0; i < updates.length; i += 250) await appendAll('a', updates.slice(i, i + 250))
      expect(await store.logStats('a')).toMatchObject({ rows: 2000 })
      expect(await loadContent('a')).toEqual(contentOf(a.doc))
      expect((await store.compact('a')).mergedRows).toBe(2000)
      expect(await loadContent('a')).toEqual(contentOf(a.doc))
      expect(a.doc.getText('notes').length).toBe(2000)
    })

    it('round-trips binary content byte-exact, including 0x00 and a 1 MiB update', async () => {
      const every = Uint8Array.from({ length: 512 }, (_, i) => i % 256)
      const big = new Uint8Array(1 << 20).map((_, i) => (i * 7919) % 251)
      big.fill(0, 1000, 2000)
      const a = editor()
      const updates = a.take(
        (doc) => doc.getMap('blobs').set('every', every),
        (doc) => doc.getMap('blobs').set('big', big),
      )
      expect(updates[1]?.byteLength).toBeGreaterThan(1 << 20)
      await appendAll('a', updates)
      const loaded = await store.load('a')
      expect(loaded.updates).toHaveLength(2)
      for (const [i, update] of loaded.updates.entries()) {
        expect(update).toBeInstanceOf(Uint8Array)
        expect(Buffer.compare(update, updates[i] as Uint8Array)).toBe(0)
      }
      expect(restore(loaded).getMap('blobs').get('big')).toEqual(big)
      await store.compact('a')
      const compacted = restore(await store.load('a')).getMap('blobs')
      expect(compacted.get('every')).toEqual(every)
      expect(compacted.get('big')).toEqual(big)
    })

    it('deletes one doc and keeps docs with look-alike names apart', async () => {
      const names = [
        'calendar:a',
        'calendar:a%',
        'calendar:_',
        "x'; drop table updates; --",
        'ca\\l"\'🗓',
      ]
      const editors = names.map(() => editor())
      await store.append(
        names.flatMap((docName, i) =>
          (editors[i]?.take(addEvent('e', docName)) ?? []).map((update) => ({ docName, update })),
        ),
      )
      await store.compact('calendar:a%')
      await appendAll('calendar:a%', editors[1]?.take(typeNote('more')) ?? [])
      for (const [i, docName] of names.entries()) {
        expect(await loadContent(docName)).toEqual(contentOf((editors[i] as { doc: Y.Doc }).doc))
        expect((await loadContent(docName)).events).toEqual({
          e: { title: docName, start: '2026-01-01T10:00' },
        })
      }
      await store.deleteDoc('calendar:a%')
      expect(await store.load('calendar:a%')).toEqual({ snapshot: null, updates: [] })
      expect(await probe.snapshotRows('calendar:a%')).toBe(0)
      for (const docName of names.filter((n) => n !== 'calendar:a%')) {
        expect((await store.load(docName)).updates).toHaveLength(1)
      }
      expect(await store.totalLogRows()).toBe(names.length - 1)
    })

    it('stores nothing from a batch that fails half way', async () => {
      const a = editor()
      const [first, second] = a.take(addEvent('e1', 'one'), addEvent('e2', 'two')) as Uint8Array[]
      // A null doc name violates NOT NULL in the middle of the batch.
      const broken = { docName: null as unknown as string, update: new Uint8Array([1]) }
      const batch = [{ docName: 'a', update: first }, broken, { docName: 'b', update: second }]
      await expect(store.append(batch as AppendEntry[])).rejects.toThrow()
      expect(await store.totalLogRows()).toBe(0)
      expect(await store.load('a')).toEqual({ snapshot: null, updates: [] })
      await appendAll('a', [first as Uint8Array])
      expect(await store.totalLogRows()).toBe(1)
    })

    it('migrates again without harm', async () => {
      const a = editor()
      await appendAll('a', a.take(addEvent('e1', 'one')))
      await store.migrate()
      await store.migrate()
      expect(await loadContent('a')).toEqual(contentOf(a.doc))
    })

    it('rejects every call after close, and close is idempotent', async () => {
      const update = editor().take(addEvent('e1', 'one'))[0] as Uint8Array
      await store.close()
      await store.close()
      const calls: (() => Promise<unknown>)[] = [
        () => store.load('a'),
        () => store.append([{ docName: 'a', update }]),
        () => store.logStats('a'),
        () => store.totalLogRows(),
        () => store.compact('a'),
        () => store.deleteDoc('a'),
        () => store.ping(),
        () => store.migrate(),
      ]
      for (const call of calls) await expect(call()).rejects.toThrow(/closed/)
    })
  })
}
