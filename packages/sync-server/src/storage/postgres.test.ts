// Runs the shared DocStore suite on the throwaway PostgreSQL, one fresh database per test.
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, afterEach, beforeAll, inject } from 'vitest'
import { createPostgresStore } from './postgres.ts'
import { describeDocStore } from './store-suite.ts'

const serverUrl = inject('postgresUrl')
let admin: postgres.Sql
let databases: string[] = []

function urlFor(database: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${database}`
  return url.toString()
}

beforeAll(() => {
  admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
})
// File-level hooks run after the suite's own afterEach, so the store is closed by now.
afterEach(async () => {
  for (const database of databases) {
    await admin`drop database if exists ${admin(database)} with (force)`
  }
  databases = []
})
afterAll(async () => {
  await admin.end()
})

describeDocStore(
  'postgres',
  async () => {
    const database = `t_${randomBytes(6).toString('hex')}`
    await admin`create database ${admin(database)}`
    databases.push(database)
    const store = createPostgresStore({ url: urlFor(database), max: 4 })
    await store.migrate()
    return store
  },
  {
    async snapshotRows(docName) {
      const database = databases.at(-1) as string
      const sql = postgres(urlFor(database), { max: 1, onnotice: () => {} })
      try {
        const [row] = await sql<{ n: number }[]>`
          select count(*)::int as n from snapshots where doc = ${docName}`
        return row?.n ?? 0
      } finally {
        await sql.end()
      }
    },
  },
)
