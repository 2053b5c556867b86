// The servers under test: how to start each one, where it is ready and how clients reach a doc.
import type { DialectName } from '../load/wire.ts'

export type ServerId = 'ours' | 'ywebsocket' | 'hocuspocus'

export const SERVER_IDS: readonly ServerId[] = ['ours', 'ywebsocket', 'hocuspocus']

export interface ServerTarget {
  id: ServerId
  label: string
  /** The entry file, relative to the repository root. */
  entry: string
  nodeArgs: readonly string[]
  dialect: DialectName
  /** Whether updates survive a restart, which makes a cold load measurable. */
  persistent: boolean
  /** An HTTP path that answers 200 once the server accepts connections. */
  readyPath: string
  env(port: number, dataDir: string): Record<string, string>
  syncUrl(port: number, docName: string): string
}

const HOST = '127.0.0.1'

export const TARGETS: Readonly<Record<ServerId, ServerTarget>> = Object.freeze({
  ours: {
    id: 'ours',
    label: 'plansync sync-server',
    entry: 'packages/sync-server/src/main.ts',
    nodeArgs: ['--conditions=source'],
    dialect: 'y-websocket',
    persistent: true,
    readyPath: '/readyz',
    env: (port, dataDir) => ({
      HOST,
      PORT: String(port),
      DATA_DIR: dataDir,
      STORAGE: 'sqlite',
      SYNC_INSECURE_DEV_AUTH: 'true',
      LOG_LEVEL: 'warn',
    }),
    syncUrl: (port, docName) => `ws://${HOST}:${port}/sync/${docName}`,
  },
  ywebsocket: {
    id: 'ywebsocket',
    label: '@y/websocket-server 0.1.1',
    entry: 'node_modules/@y/websocket-server/src/server.js',
    nodeArgs: [],
    dialect: 'y-websocket',
    // It could persist to LevelDB with YPERSISTENCE, but y-leveldb is not installed.
    persistent: false,
    readyPath: '/',
    env: (port) => ({ HOST, PORT: String(port) }),
    syncUrl: (port, docName) => `ws://${HOST}:${port}/${docName}`,
  },
  hocuspocus: {
    id: 'hocuspocus',
    label: '@hocuspocus/server 4.7',
    entry: 'bench/src/servers/hocuspocus.ts',
    // No `source` condition: it would resolve Hocuspocus to its .ts sources in
    // node_modules, which Node refuses to type-strip.
    nodeArgs: [],
    dialect: 'hocuspocus',
    persistent: false,
    readyPath: '/',
    env: (port) => ({ HOST, PORT: String(port) }),
    // One socket may carry many docs; the doc name travels in every message.
    syncUrl: (port) => `ws://${HOST}:${port}/`,
  },
})
