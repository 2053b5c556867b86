// The change digest store suite on the throwaway PostgreSQL, one fresh database per test.
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, inject } from 'vitest'
import { describeChangeDigestStore } from './digest-store-suite.ts'

const serverUrl = inject('postgresUrl')
let admin: postgres.Sql

beforeAll(() => {
  admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
})
afterAll(async () => {
  await admin.end()
})

describeChangeDigestStore(
  'postgres',
  async () => {
    const database = `notifier_digests_${randomBytes(6).toString('hex')}`
    await admin`create database ${admin(database)}`
    const url = new URL(serverUrl)
    url.pathname = `/${database}`
    return {
      storage: { kind: 'postgres', url: url.toString(), max: 4 },
      async drop() {
        await admin`drop database if exists ${admin(database)} with (force)`
      },
    }
  },
  { concurrent: true },
)
