// Schema versions: migrations run forward once, converge when two offline
// clients run them, and a doc from a newer schema opens read-only.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  accessFor,
  initialMigration,
  type Migration,
  metaOf,
  migrateDoc,
  SCHEMA_VERSION,
  SCHEMA_VERSIONS,
  schemaVersionOf,
} from './version.ts'

const v2: Migration = {
  to: 2,
  run(doc) {
    // Idempotent: sets a deterministic value, so concurrent runs agree.
    metaOf(doc).set('colour', metaOf(doc).get('colour') ?? '#3b82f6')
  },
}

describe('schema versions', () => {
  it('migrates a new doc to the current version once', () => {
    const doc = new Y.Doc()
    let runs = 0
    const counted: Migration = { to: 1, run: () => runs++ }
    expect(migrateDoc(doc, [counted])).toBe('read-write')
    expect(migrateDoc(doc, [counted])).toBe('read-write')
    expect(runs).toBe(1)
    expect(schemaVersionOf(doc)).toBe(SCHEMA_VERSION)
  })

  it('converges when two offline clients migrate the same doc', () => {
    const a = new Y.Doc()
    migrateDoc(a, [initialMigration])
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    migrateDoc(a, [initialMigration, v2], 2)
    migrateDoc(b, [initialMigration, v2], 2)
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    expect(metaOf(a).toJSON()).toEqual(metaOf(b).toJSON())
    expect(metaOf(a).toJSON()).toEqual({ schemaVersion: 2, colour: '#3b82f6' })
  })

  it('never lowers the version when an older client migrates concurrently with a newer one', () => {
    // Both orders of client ids: last-writer-wins on one number keeps the
    // older client's 1 in one of them.
    for (const [newerId, olderId] of [
      [1, 2],
      [2, 1],
    ]) {
      const newer = new Y.Doc()
      newer.clientID = newerId as number
      migrateDoc(newer, [initialMigration, v2], 2)
      const older = new Y.Doc()
      older.clientID = olderId as number
      migrateDoc(older, [initialMigration], 1)
      Y.applyUpdate(newer, Y.encodeStateAsUpdate(older))
      Y.applyUpdate(older, Y.encodeStateAsUpdate(newer))
      for (const doc of [newer, older]) expect(schemaVersionOf(doc)).toBe(2)
      expect(accessFor(older, 1)).toBe('read-only')
      expect(migrateDoc(newer, [initialMigration, v2], 2)).toBe('read-write')
    }
  })

  it('reads the highest version of the map and of meta.schemaVersion, skipping malformed keys', () => {
    const doc = new Y.Doc()
    metaOf(doc).set('schemaVersion', 3)
    expect(schemaVersionOf(doc)).toBe(3)
    const versions = doc.getMap(SCHEMA_VERSIONS)
    for (const key of ['1e9', '2.0', '-4', 'abc', '0x10', '']) versions.set(key, true)
    expect(schemaVersionOf(doc)).toBe(3)
    versions.set('4', true)
    expect(schemaVersionOf(doc)).toBe(4)
  })

  it('opens a doc written by a newer schema read-only and changes nothing', () => {
    const doc = new Y.Doc()
    metaOf(doc).set('schemaVersion', SCHEMA_VERSION + 1)
    const before = Y.encodeStateAsUpdate(doc)
    expect(accessFor(doc)).toBe('read-only')
    expect(migrateDoc(doc, [initialMigration])).toBe('read-only')
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
  })

  it('treats a malformed stored version as 0', () => {
    const doc = new Y.Doc()
    metaOf(doc).set('schemaVersion', 'ninety')
    expect(schemaVersionOf(doc)).toBe(0)
  })
})
