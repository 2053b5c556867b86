// Schema versions. Every doc records the version of the schema it was
// written with in `meta.schemaVersion`. A client migrates older docs forward
// once (each migration is idempotent, so two offline clients migrating the
// same doc converge), and opens docs from a newer schema read-only instead of
// writing fields it does not understand.
import type * as Y from 'yjs'

export const SCHEMA_VERSION = 1
export const MIGRATION_ORIGIN = 'plansync:migration'

export type DocAccess = 'read-write' | 'read-only'

export interface Migration {
  /** The version this migration produces. */
  to: number
  run(doc: Y.Doc): void
}

export function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('meta')
}

/** The doc's schema version; 0 for a doc nothing was written to yet. */
export function schemaVersionOf(doc: Y.Doc): number {
  const version = metaOf(doc).get('schemaVersion')
  return typeof version === 'number' && Number.isInteger(version) && version >= 0 ? version : 0
}

export function accessFor(doc: Y.Doc, supported = SCHEMA_VERSION): DocAccess {
  return schemaVersionOf(doc) > supported ? 'read-only' : 'read-write'
}

/**
 * Runs every migration above the doc's version, in order, in one
 * transaction. Returns the access the client has afterwards.
 */
export function migrateDoc(
  doc: Y.Doc,
  migrations: readonly Migration[],
  supported = SCHEMA_VERSION,
): DocAccess {
  if (accessFor(doc, supported) === 'read-only') return 'read-only'
  const pending = migrations
    .filter((migration) => migration.to > schemaVersionOf(doc) && migration.to <= supported)
    .sort((a, b) => a.to - b.to)
  if (pending.length === 0) return 'read-write'
  doc.transact(() => {
    for (const migration of pending) {
      migration.run(doc)
      metaOf(doc).set('schemaVersion', migration.to)
    }
  }, MIGRATION_ORIGIN)
  return 'read-write'
}

/** Version 1 is the first schema: it only records itself. */
export const initialMigration: Migration = { to: 1, run: () => {} }
