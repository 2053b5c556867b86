// The Postgres driver when the server ends a connection in the middle of a
// transaction (the idle-in-transaction timeout ending a session frozen by a
// long pause, a restart, pg_terminate_backend): the transaction must fail
// as an error the store handles, not end the process. postgres.js 3.4.9
// wrote to the closed socket from a setImmediate and threw there
// (porsager/postgres#1154, #1208); patches/postgres+3.4.9.patch guards it
// until a release does.
import postgres from 'postgres'
import { afterAll, describe, expect, inject, it } from 'vitest'

const serverUrl = inject('postgresUrl')

describe('postgres.js when the server ends a connection mid-transaction', () => {
  const sql = postgres(serverUrl, { max: 2, onnotice: () => {} })
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  afterAll(async () => {
    // A connection closed under a reserve() stays closed in the pool: do not wait for it.
    await sql.end({ timeout: 1 })
    await admin.end()
  })

  it('rejects the next query on a reserved connection with CONNECTION_CLOSED instead of throwing', async () => {
    const reserved = await sql.reserve()
    const [row] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`
    await admin`select pg_terminate_backend(${row?.pid ?? 0})`
    await new Promise((resolve) => setTimeout(resolve, 200))
    // Unpatched, this query's write ran after the socket was gone and threw
    // from a setImmediate: an uncaught exception that ended the process.
    await expect(reserved`select 1`).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' })
  })

  it('rejects the transaction with CONNECTION_CLOSED, and the pool goes on', async () => {
    const transaction = sql.begin(async (tx) => {
      const [row] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`
      await admin`select pg_terminate_backend(${row?.pid ?? 0})`
      await new Promise((resolve) => setTimeout(resolve, 200))
      await tx`select 1`
    })
    await expect(transaction).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' })
    for (let i = 0; i < 3; i++) expect(await sql`select ${i}::int as i`).toEqual([{ i }])
  })
})
