// DocStore on one SQLite file (better-sqlite3): WAL, synchronous=FULL, group-committed appends.
//
// Schema (same shape as postgres.ts):
//   updates(id integer pk autoincrement, doc text, data blob), index (doc, id)
//   snapshots(id integer pk autoincrement, doc text, upto integer /* last updates.id merged */,
//             data blob, created_at integer unix seconds), index (doc, id)
// A doc = its newest snapshot + the updates rows with id > that snapshot's upto, by id.
// AUTOINCREMENT matters: plain rowids reuse the highest deleted id, so after a compaction
// emptied the log a new row could get an id <= upto and be hidden behind the snapshot.
//
// better-sqlite3 is synchronous; the methods are async only to fit DocStore. Nothing else in
// this process can run in the middle of a call, and other processes are kept out by the
// write lock of the (IMMEDIATE) transactions. Only compaction awaits in the middle (the
// merge), so it re-checks what it read before writing.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { createInlineMerge, type MergeFunction } from './merge.ts'
import {
  type AppendEntry,
  type DocStore,
  type LogStats,
  StaleFenceError,
  type StoredDoc,
} from './types.ts'

/** Schema versions in order; version N is MIGRATIONS[N - 1]. Append, never edit. */
const MIGRATIONS = [
  `create table updates (
     id integer primary key autoincrement, doc text not null, data blob not null);
   create index updates_doc_id on updates (doc, id);
   create table snapshots (
     id integer primary key autoincrement, doc text not null, upto integer not null,
     data blob not null, created_at integer not null default (unixepoch()));
   create index snapshots_doc_id on snapshots (doc, id);`,
  `create table doc_fences (doc text primary key, token integer not null);`,
]

/** Opens (creating folders as needed) a database with the pragmas the store relies on. */
export function openSqliteDatabase(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  // FULL also fsyncs the WAL on every commit: an acknowledged append survives power loss.
  db.pragma('synchronous = FULL')
  db.pragma('busy_timeout = 5000')
  return db
}

/** Thrown inside a compaction transaction to roll it back when the doc changed meanwhile. */
const SUPERSEDED = Symbol('compaction superseded')

interface SnapshotRow {
  id: number
  upto: number
  data: Uint8Array
}

export interface SqliteStoreOptions {
  file: string
  /** How snapshot and tail are merged; inline by default, a worker in the server. */
  merge?: MergeFunction
}

export function createSqliteStore(options: SqliteStoreOptions): DocStore {
  const merge = options.merge ?? createInlineMerge()
  const db = openSqliteDatabase(options.file)
  let closed = false
  // Statements need the tables, so they are prepared once, on first use after migrate().
  let prepared: ReturnType<typeof prepare> | undefined

  function statements() {
    if (closed) throw new Error('sqlite store is closed')
    prepared ??= prepare(db)
    return prepared
  }

  return {
    kind: 'sqlite',
    async migrate() {
      if (closed) throw new Error('sqlite store is closed')
      runMigrations(db)
    },
    async load(docName) {
      return statements().load.deferred(docName)
    },
    async append(entries, options = {}) {
      statements().append.immediate(entries, options.fence)
    },
    async logStats(docName) {
      const row = statements().logStats.get(docName) as LogStats
      return { rows: row.rows, bytes: row.bytes }
    },
    async totalLogRows() {
      return (statements().totalLogRows.get() as { rows: number }).rows
    },
    // Read, merge (possibly in a worker), then write in one IMMEDIATE transaction that first
    // checks nobody compacted or deleted the doc meanwhile; rows appended during the merge
    // have higher ids and stay in the log.
    async compact(docName, options = {}) {
      const { snapshot, rows } = statements().read.deferred(docName)
      const last = rows.at(-1)
      if (!last) return { mergedRows: 0, snapshotBytes: 0 }
      const parts = rows.map((r) => r.data)
      const merged = await merge(snapshot ? [snapshot.data, ...parts] : parts)
      let written: boolean
      try {
        written = statements().replace.immediate(
          docName,
          snapshot?.id,
          last.id,
          rows.length,
          merged,
          options.fence,
        )
      } catch (error) {
        if (error !== SUPERSEDED) throw error
        written = false
      }
      return written
        ? { mergedRows: rows.length, snapshotBytes: merged.byteLength }
        : { mergedRows: 0, snapshotBytes: 0 }
    },
    async fenceOf(docName) {
      const row = statements().fenceOf.get(docName) as { token: number } | undefined
      return row?.token ?? 0
    },
    async deleteDoc(docName) {
      statements().deleteDoc.immediate(docName)
    },
    async ping() {
      statements().ping.get()
    },
    async close() {
      if (closed) return
      closed = true
      db.close()
    },
  }
}

function runMigrations(db: Database.Database): void {
  db.transaction(() => {
    db.exec(`create table if not exists schema_migrations (
      version integer primary key, applied_at integer not null default (unixepoch()))`)
    const { version } = db
      .prepare('select coalesce(max(version), 0) as version from schema_migrations')
      .get() as { version: number }
    for (let next = version + 1; next <= MIGRATIONS.length; next++) {
      db.exec(MIGRATIONS[next - 1] as string)
      db.prepare('insert into schema_migrations (version) values (?)').run(next)
    }
  }).immediate()
}

function prepare(db: Database.Database) {
  const newestSnapshot = db.prepare(
    'select id, upto, data from snapshots where doc = ? order by id desc limit 1',
  )
  const tail = db.prepare('select id, data from updates where doc = ? and id > ? order by id')
  const insertUpdate = db.prepare('insert into updates (doc, data) values (?, ?)')
  const insertSnapshot = db.prepare('insert into snapshots (doc, upto, data) values (?, ?, ?)')
  const deleteMerged = db.prepare('delete from updates where doc = ? and id <= ?')
  const deleteOlder = db.prepare('delete from snapshots where doc = ? and id < ?')
  const deleteUpdates = db.prepare('delete from updates where doc = ?')
  const deleteSnapshots = db.prepare('delete from snapshots where doc = ?')
  const raiseFence = db.prepare(`insert into doc_fences (doc, token) values (?, ?)
    on conflict (doc) do update set token = excluded.token where doc_fences.token <= excluded.token
    returning token`)
  /** Raises the doc's fence to `token`, or throws (rolling back) if a higher one was used. */
  const checkFence = (docName: string, token: number | undefined) => {
    if (token !== undefined && raiseFence.get(docName, token) === undefined) {
      throw new StaleFenceError(docName, token)
    }
  }

  const readDoc = (docName: string) => {
    const snapshot = newestSnapshot.get(docName) as SnapshotRow | undefined
    const rows = tail.all(docName, snapshot?.upto ?? 0) as { id: number; data: Uint8Array }[]
    return { snapshot, rows }
  }

  return {
    load: db.transaction((docName: string): StoredDoc => {
      const { snapshot, rows } = readDoc(docName)
      return {
        snapshot: snapshot ? view(snapshot.data) : null,
        updates: rows.map((r) => view(r.data)),
      }
    }),
    append: db.transaction((entries: readonly AppendEntry[], fence: number | undefined) => {
      for (const doc of new Set(entries.map((e) => e.docName))) checkFence(doc, fence)
      for (const entry of entries) insertUpdate.run(entry.docName, entry.update)
    }),
    read: db.transaction(readDoc),
    /** Writes the new snapshot unless the doc changed under the merge; false if it did. */
    replace: db.transaction(
      (
        docName: string,
        snapshotId: number | undefined,
        upto: number,
        rowCount: number,
        merged: Uint8Array,
        fence: number | undefined,
      ) => {
        checkFence(docName, fence)
        const newest = newestSnapshot.get(docName) as SnapshotRow | undefined
        if (newest?.id !== snapshotId) return false
        const { lastInsertRowid } = insertSnapshot.run(docName, upto, merged)
        // Rolls the transaction back: the doc was deleted or rewritten under the merge.
        if (deleteMerged.run(docName, upto).changes !== rowCount) throw SUPERSEDED
        deleteOlder.run(docName, lastInsertRowid)
        return true
      },
    ),
    deleteDoc: db.transaction((docName: string) => {
      deleteUpdates.run(docName)
      deleteSnapshots.run(docName)
    }),
    logStats: db.prepare(
      'select count(*) as rows, coalesce(sum(length(data)), 0) as bytes from updates where doc = ?',
    ),
    totalLogRows: db.prepare('select count(*) as rows from updates'),
    fenceOf: db.prepare('select token from doc_fences where doc = ?'),
    ping: db.prepare('select 1'),
  }
}

/** better-sqlite3 returns Buffers; callers get plain Uint8Array views (no copy). */
function view(data: Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
