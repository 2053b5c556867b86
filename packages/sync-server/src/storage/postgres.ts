// DocStore on PostgreSQL (postgres.js): multi-row group-commit appends, lock-checked compaction.
//
// Schema (same shape as sqlite.ts):
//   updates(id bigint identity pk, doc text, data bytea), index (doc, id)
//   snapshots(id bigint identity pk, doc text, upto bigint /* last updates.id merged */,
//             data bytea, created_at timestamptz), index (doc, id)
// A doc = its newest snapshot + EVERY updates row of the doc still present, by id. Unlike
// SQLite, identity values are handed out at insert time, not commit time: an append may
// commit a row with an id below a newer snapshot's upto. Compaction therefore deletes exactly
// the rows it merged (not "id <= upto"), and loading does not filter by upto; since merged
// rows go in the same transaction that writes the snapshot, every remaining row is unmerged.
import postgres from 'postgres'
import { createInlineMerge, type MergeFunction } from './merge.ts'
import { type DocStore, StaleFenceError } from './types.ts'

/** Schema versions in order; version N is MIGRATIONS[N - 1]. Append, never edit. */
const MIGRATIONS = [
  `create table updates (
     id bigint generated always as identity primary key, doc text not null, data bytea not null);
   create index updates_doc_id on updates (doc, id);
   create table snapshots (
     id bigint generated always as identity primary key, doc text not null,
     upto bigint not null, data bytea not null, created_at timestamptz not null default now());
   create index snapshots_doc_id on snapshots (doc, id);`,
  `create table doc_fences (doc text primary key, token bigint not null);`,
]

/** Serialises concurrent migrate() calls across processes (an arbitrary constant key). */
const MIGRATION_LOCK = 0x706c616e
/** Rows per INSERT: postgres caps a statement at 65535 parameters, two per row here. */
const ROWS_PER_INSERT = 10_000

/** Thrown inside a compaction transaction to roll it back when another writer got there first. */
const SUPERSEDED = Symbol('compaction superseded')

export interface PostgresStoreOptions {
  url: string
  max?: number
  /** How snapshot and tail are merged; inline by default, a worker in the server. */
  merge?: MergeFunction
  /**
   * How long Postgres lets a session sit idle inside a transaction before it
   * ends the session (default 5 s; ours last milliseconds). A process frozen
   * mid-transaction (SIGSTOP, a VM pause) would otherwise hold its row and
   * advisory locks, and block the instance that took over its doc lease.
   */
  idleInTransactionTimeoutMs?: number
}

export function createPostgresStore(options: PostgresStoreOptions): DocStore {
  const merge = options.merge ?? createInlineMerge()
  const sql = postgres(options.url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: {
      idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 5_000,
    },
  })
  let closing: Promise<void> | undefined

  function open(): postgres.Sql {
    if (closing) throw new Error('postgres store is closed')
    return sql
  }

  async function readDoc(docName: string) {
    // One statement, so the snapshot and the rows come from one consistent view.
    const rows = await open()<{ snapshot: boolean; id: string; data: Buffer }[]>`
      (select true as snapshot, id, data from snapshots where doc = ${docName}
        order by id desc limit 1)
      union all
      (select false, id, data from updates where doc = ${docName})
      order by snapshot desc, id`
    const snapshot = rows[0]?.snapshot ? rows[0] : undefined
    return { snapshot, tail: snapshot ? rows.slice(1) : rows }
  }

  /** Raises the doc's fence to `token`, or throws if a higher one was used (row-locked). */
  async function checkFence(tx: postgres.TransactionSql, docName: string, token: number) {
    const rows = await tx`
      insert into doc_fences (doc, token) values (${docName}, ${token})
      on conflict (doc) do update set token = excluded.token
      where doc_fences.token <= excluded.token
      returning token`
    if (rows.length === 0) throw new StaleFenceError(docName, token)
  }

  return {
    kind: 'postgres',
    async migrate() {
      await open().begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`
        await tx`create table if not exists schema_migrations (
          version integer primary key, applied_at timestamptz not null default now())`
        const [row] = await tx<{ version: number }[]>`
          select coalesce(max(version), 0)::int as version from schema_migrations`
        for (let next = (row?.version ?? 0) + 1; next <= MIGRATIONS.length; next++) {
          await tx.unsafe(MIGRATIONS[next - 1] as string)
          await tx`insert into schema_migrations (version) values (${next})`
        }
      })
    },
    async load(docName) {
      const { snapshot, tail } = await readDoc(docName)
      return {
        snapshot: snapshot ? view(snapshot.data) : null,
        updates: tail.map((r) => view(r.data)),
      }
    },
    async append(entries, options = {}) {
      const db = open()
      const rows = entries.map((e) => ({ doc: e.docName, data: e.update }))
      if (rows.length === 0) return
      const { fence } = options
      // A single INSERT is its own transaction; only oversized or fenced batches need one.
      if (rows.length <= ROWS_PER_INSERT && fence === undefined) {
        await db`insert into updates ${db(rows, 'doc', 'data')}`
        return
      }
      await db.begin(async (tx) => {
        if (fence !== undefined) {
          for (const doc of new Set(rows.map((r) => r.doc))) await checkFence(tx, doc, fence)
        }
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
          await tx`insert into updates ${tx(rows.slice(i, i + ROWS_PER_INSERT), 'doc', 'data')}`
        }
      })
    },
    async logStats(docName) {
      const [row] = await open()<{ rows: number; bytes: number }[]>`
        select count(*)::float8 as rows, coalesce(sum(octet_length(data)), 0)::float8 as bytes
        from updates where doc = ${docName}`
      return { rows: row?.rows ?? 0, bytes: row?.bytes ?? 0 }
    },
    async totalLogRows() {
      const [row] = await open()<{ rows: number }[]>`select count(*)::float8 as rows from updates`
      return row?.rows ?? 0
    },
    // Merge outside any transaction (appends keep flowing), then write under the doc's
    // advisory lock after checking nobody compacted or deleted the doc meanwhile.
    async compact(docName, options = {}) {
      const { snapshot, tail } = await readDoc(docName)
      const last = tail.at(-1)
      if (!last) return { mergedRows: 0, snapshotBytes: 0 }
      const parts = tail.map((r) => r.data)
      const merged = await merge(snapshot ? [snapshot.data, ...parts] : parts)
      const ids = tail.map((r) => r.id)
      try {
        await open().begin(async (tx) => {
          await tx`select pg_advisory_xact_lock(hashtext(${docName}))`
          if (options.fence !== undefined) await checkFence(tx, docName, options.fence)
          const [newest] = await tx<{ id: string }[]>`
            select id from snapshots where doc = ${docName} order by id desc limit 1`
          if (newest?.id !== snapshot?.id) throw SUPERSEDED
          const deleted = await tx`
            delete from updates where doc = ${docName} and id = any(${ids}::bigint[])`
          if (deleted.count !== ids.length) throw SUPERSEDED
          await tx`delete from snapshots where doc = ${docName}`
          await tx`insert into snapshots (doc, upto, data) values (${docName}, ${last.id}, ${merged})`
        })
      } catch (error) {
        if (error === SUPERSEDED) return { mergedRows: 0, snapshotBytes: 0 }
        throw error
      }
      return { mergedRows: tail.length, snapshotBytes: merged.byteLength }
    },
    async fenceOf(docName) {
      const [row] = await open()<{ token: string }[]>`
        select token from doc_fences where doc = ${docName}`
      return Number(row?.token ?? 0)
    },
    async deleteDoc(docName) {
      await open().begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext(${docName}))`
        await tx`delete from updates where doc = ${docName}`
        await tx`delete from snapshots where doc = ${docName}`
      })
    },
    async ping() {
      await open()`select 1`
    },
    async close() {
      closing ??= sql.end({ timeout: 5 })
      await closing
    },
  }
}

/** postgres.js returns Buffers; callers get plain Uint8Array views (no copy). */
function view(data: Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
