// A sync server in the test process, through the package's public API: a
// SQLite store in a temp folder, the insecure dev verifier unless told
// otherwise, listening on 127.0.0.1 port 0. Options pass straight through.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  createInsecureDevVerifier,
  createSqliteStore,
  createSyncServer,
  type DocStore,
  type SyncServer,
  type SyncServerOptions,
} from '@plansync/sync-server'

export type InProcessServerOptions = Partial<SyncServerOptions> & {
  /** Wraps the temp SQLite store (e.g. a `ping` that rejects); ignored if `store` is given. */
  wrapStore?: (store: DocStore) => DocStore
}

export interface InProcessServer {
  /** http://127.0.0.1:PORT */
  url: string
  /** ws://127.0.0.1:PORT/sync */
  syncUrl: string
  server: SyncServer
  /** The store the server uses (as wrapped). */
  store: DocStore
  /** Closes the server (and with it the store) and removes the temp folder. Idempotent. */
  close(): Promise<void>
}

export async function startInProcessServer(
  options: InProcessServerOptions = {},
): Promise<InProcessServer> {
  const { wrapStore, ...serverOptions } = options
  const dir = await mkdtemp(path.join(tmpdir(), 'plansync-inproc-'))
  let store: DocStore
  let server: SyncServer
  try {
    if (serverOptions.store) {
      store = serverOptions.store
    } else {
      const sqlite = createSqliteStore({ file: path.join(dir, 'docs.sqlite') })
      await sqlite.migrate()
      store = wrapStore ? wrapStore(sqlite) : sqlite
    }
    server = createSyncServer({
      verifier: createInsecureDevVerifier(),
      ...serverOptions,
      store,
    })
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  let closed: Promise<void> | undefined
  const close = () => {
    closed ??= server
      .close({ timeoutMs: 2_000 })
      .finally(() => rm(dir, { recursive: true, force: true }))
    return closed
  }
  let url: string
  try {
    url = await server.listen(0, '127.0.0.1')
  } catch (error) {
    await close()
    throw error
  }
  const syncPath = serverOptions.syncPath ?? '/sync'
  return { url, syncUrl: `${url.replace(/^http/, 'ws')}${syncPath}`, server, store, close }
}
