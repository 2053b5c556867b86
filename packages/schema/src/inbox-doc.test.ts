// The inbox doc: entries added once per id, read state that merges, bad
// input refused, malformed stored values skipped, and pruning.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { addInboxEntry, markInboxEntry, pruneInbox, readInbox } from './inbox-doc.ts'
import { SchemaError } from './issues.ts'

const entry = (id: string, createdAt: number) => ({
  id,
  kind: 'reminder',
  title: `Picnic ${id}`,
  body: 'starts in 30 minutes',
  url: null,
  createdAt,
})

describe('inbox doc', () => {
  it('adds an entry once per id, newest first, and tracks read state', () => {
    const doc = new Y.Doc()
    expect(addInboxEntry(doc, entry('r1:ann:in-app', 1000))).toBe(true)
    expect(addInboxEntry(doc, entry('r1:ann:in-app', 1000))).toBe(false)
    addInboxEntry(doc, entry('r2', 2000))
    expect(readInbox(doc).map((e) => e.id)).toEqual(['r2', 'r1:ann:in-app'])
    expect(markInboxEntry(doc, 'r2', 3000)).toBe(true)
    expect(markInboxEntry(doc, 'nope', 3000)).toBe(false)
    expect(readInbox(doc).map((e) => e.readAt)).toEqual([3000, null])
    markInboxEntry(doc, 'r2', null)
    expect(readInbox(doc)[0]?.readAt).toBeNull()
  })

  it('merges the same entry added by two writers and a read mark from another device', () => {
    const notifierA = new Y.Doc()
    const notifierB = new Y.Doc()
    addInboxEntry(notifierA, entry('r1', 1000))
    addInboxEntry(notifierB, entry('r1', 1000))
    const phone = new Y.Doc()
    Y.applyUpdate(phone, Y.encodeStateAsUpdate(notifierA))
    markInboxEntry(phone, 'r1', 5000)
    const merged = new Y.Doc()
    for (const d of [notifierA, notifierB, phone]) Y.applyUpdate(merged, Y.encodeStateAsUpdate(d))
    expect(readInbox(merged)).toHaveLength(1)
  })

  it('refuses bad entries with a SchemaError and skips malformed stored ones', () => {
    const doc = new Y.Doc()
    expect(() => addInboxEntry(doc, { ...entry('bad\nid', 1), id: 'bad\nid' })).toThrow(SchemaError)
    expect(() => addInboxEntry(doc, { ...entry('x', 1), title: 'x'.repeat(501) })).toThrow(
      /items\.x\.title/,
    )
    expect(() => addInboxEntry(doc, { ...entry('x', 1), createdAt: -1 })).toThrow(SchemaError)
    doc.getMap('items').set('junk', 'not a map')
    const partial = new Y.Map<unknown>()
    doc.getMap('items').set('partial', partial)
    partial.set('title', 42)
    const issues: string[] = []
    expect(readInbox(doc, (issue) => issues.push(issue.path))).toEqual([])
    expect(issues).toEqual(expect.arrayContaining(['items.junk', 'items.partial.title']))
  })

  it('prunes the oldest read entries first', () => {
    const doc = new Y.Doc()
    for (let i = 1; i <= 5; i++) addInboxEntry(doc, entry(`r${i}`, i * 1000))
    markInboxEntry(doc, 'r4', 9000)
    expect(pruneInbox(doc, 3)).toBe(2)
    // r4 (read) goes first, then the oldest unread (r1).
    expect(readInbox(doc).map((e) => e.id)).toEqual(['r5', 'r3', 'r2'])
  })
})
