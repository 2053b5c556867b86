// The confirmed record: stored updates the server never confirmed are
// counted, whether they add structs or only delete.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { countUnconfirmed, encodeConfirmed } from './confirmed-state.ts'

function recording(doc: Y.Doc): Uint8Array[] {
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  return updates
}

describe('confirmed record', () => {
  it('counts what came after the record: new structs and deletions alone', () => {
    const doc = new Y.Doc()
    const updates = recording(doc)
    doc.getMap('meta').set('name', 'Family')
    doc.getText('notes').insert(0, 'hello world')
    const record = encodeConfirmed(doc)
    expect(countUnconfirmed(updates, record)).toBe(0)

    // A map delete and a text delete add no struct, only delete set entries.
    doc.getMap('meta').delete('name')
    doc.getText('notes').delete(0, 6)
    expect(countUnconfirmed(updates, record)).toBe(2)
    doc.getMap('meta').set('colour', '#ff0000')
    expect(countUnconfirmed(updates, record)).toBe(3)
    expect(countUnconfirmed(updates, encodeConfirmed(doc))).toBe(0)
  })

  it('counts merged updates (compaction) and everything without a readable record', () => {
    const doc = new Y.Doc()
    const updates = recording(doc)
    doc.getMap('meta').set('a', 1)
    const record = encodeConfirmed(doc)
    doc.getMap('meta').set('b', 2)
    const compacted = [Y.encodeStateAsUpdate(doc)]
    expect(countUnconfirmed(compacted, record)).toBe(1)
    expect(countUnconfirmed(compacted, encodeConfirmed(doc))).toBe(0)
    expect(countUnconfirmed(updates, null)).toBe(2)
    expect(countUnconfirmed(updates, new Uint8Array([255, 255, 255]))).toBe(2)
  })
})
