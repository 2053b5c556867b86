// Schema versions. A doc records the schema versions it was migrated to as
// keys of a top-level map, `schemaVersions` (`'1' → true`, `'2' → true`, ...);
// its version is the highest key. Keys are only ever added, so concurrent
// migrations merge to their union and the version never goes down, whatever
// order Yjs gives two writers. (A single `meta.schemaVersion` number is
// last-writer-wins: an old client recording 1 concurrently with a newer one
// recording 2 loses the 2 in about half of all merges.) `meta.schemaVersion`
// is still written, as a hint for readers that know only it, and read, for
// docs written before the map; the version is the highest of all of them.
//
// A client migrates older docs forward once (each migration is idempotent,
// so two offline clients migrating the same doc converge), and opens docs
// from a newer schema read-only instead of writing fields it does not
// understand.
import type * as Y from 'yjs'

export const SCHEMA_VERSION = 1
export const MIGRATION_ORIGIN = 'plansync:migration'
/** The top-level map whose keys are the versions a doc was migrated to. */
export const SCHEMA_VERSIONS = 'schemaVersions'

export type DocAccess = 'read-write' | 'read-only'

export interface Migration {
  /** The version this migration produces. */
  to: number
  run(doc: Y.Doc): void
}

export function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('meta')
}

/** A stored version: a non-negative integer; anything else counts as 0. */
function asVersion(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0
}

/** A key of SCHEMA_VERSIONS as a version: decimal digits only (`'2'`, not `'2.0'` or `'1e9'`). */
function keyVersion(key: string): number {
  return /^(0|[1-9]\d{0,8})$/.test(key) ? Number(key) : 0
}

/** The doc's schema version (the highest one recorded); 0 for a doc nothing was migrated yet. */
export function schemaVersionOf(doc: Y.Doc): number {
  let version = asVersion(metaOf(doc).get('schemaVersion'))
  for (const key of doc.getMap(SCHEMA_VERSIONS).keys()) version = Math.max(version, keyVersion(key))
  return version
}

export function accessFor(doc: Y.Doc, supported = SCHEMA_VERSION): DocAccess {
  return schemaVersionOf(doc) > supported ? 'read-only' : 'read-write'
}

/**
 * Runs every migration above the doc's version, in order, in one
 * transaction, and records each version reached. Returns the access the
 * client has afterwards.
 *
 * Run it only on a replica that holds the doc's server state (synced now or
 * in an earlier session): a migration recorded on an empty replica would
 * count as done for data it never saw.
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
      doc.getMap(SCHEMA_VERSIONS).set(String(migration.to), true)
      metaOf(doc).set('schemaVersion', migration.to)
    }
  }, MIGRATION_ORIGIN)
  return 'read-write'
}

/** Version 1 is the first schema: it only records itself. */
export const initialMigration: Migration = { to: 1, run: () => {} }
