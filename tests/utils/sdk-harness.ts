// For SDK suites: one embedded plansync process per file, and SDK clients
// with file stores in a temp folder, all closed and removed afterwards.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createClient, type PlansyncClient } from '@plansync/client-sdk'
import { createFileStore } from '@plansync/client-sdk/node'
import { afterAll, beforeAll } from 'vitest'
import {
  embeddedMain,
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './sync-process.ts'

export interface SdkHarness {
  server(): SyncProcess
  /** Stops the process (SIGTERM) and starts it again on the same data and port. */
  restart(): Promise<void>
  /** A client whose replicas live in `<temp>/<name>`; the same name reopens the same store. */
  client(name: string, session?: string | null): PlansyncClient
}

export function useEmbeddedServer(): SdkHarness {
  let server: SyncProcess | undefined
  let dir = ''
  const clients: PlansyncClient[] = []
  beforeAll(async () => {
    server = await startSyncProcess({ main: embeddedMain })
    dir = await mkdtemp(path.join(tmpdir(), 'plansync-sdk-'))
  })
  afterAll(async () => {
    for (const client of clients) await client.close()
    if (server) {
      await stopSyncProcess(server)
      await removeDataDir(server)
    }
    await rm(dir, { recursive: true, force: true })
  })
  return {
    server() {
      if (!server) throw new Error('the server starts in beforeAll')
      return server
    },
    async restart() {
      const old = this.server()
      await stopSyncProcess(old)
      server = await startSyncProcess({
        main: embeddedMain,
        dataDir: old.dataDir,
        port: Number(new URL(old.url).port),
      })
    },
    client(name, session) {
      const client = createClient({
        url: this.server().url,
        store: createFileStore({ dir: path.join(dir, name) }),
        session,
        backoff: { initialMs: 50, maxMs: 200 },
      })
      clients.push(client)
      return client
    },
  }
}
