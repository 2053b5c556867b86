// Starts the real sync server as a child process (sources run directly with
// the `source` condition), on port 0, and reads its URL from the log.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'

const repoRoot = path.resolve(import.meta.dirname, '../..')
const syncServerMain = path.join(repoRoot, 'packages/sync-server/src/main.ts')
/** The embedded process: auth API and sync server on one port. */
export const embeddedMain = path.join(repoRoot, 'packages/embedded/src/main.ts')
/** The auth API on its own (cluster mode); listens on AUTH_PORT. */
export const authApiMain = path.join(repoRoot, 'packages/auth-api/src/main.ts')
/** The notifier on its own (cluster mode); listens on NOTIFIER_PORT. */
export const notifierMain = path.join(repoRoot, 'packages/notifier/src/main.ts')

export interface SyncProcess {
  /** http://127.0.0.1:PORT */
  url: string
  /** ws://127.0.0.1:PORT/sync */
  syncUrl: string
  child: ChildProcess
  dataDir: string
  /** Log lines (parsed JSON) seen so far. */
  logs: Array<Record<string, unknown>>
  /** Resolves with the exit code / signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** The last of what the process wrote to stderr (a crash's stack, say). */
  stderr(): string
}

export interface StartOptions {
  env?: Record<string, string>
  /** Reuse a data folder (restart after a crash); a fresh temp one otherwise. */
  dataDir?: string
  port?: number
  /** The entry file to run; the sync server's main by default. */
  main?: string
  /** Keep parsed log lines in `logs` (default); off for long runs (scripts/cluster). */
  keepLogs?: boolean
  /** Told every stdout line (the JSON log) and stderr chunk, as they come. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void
}

/** How much of a process's stderr is kept for the error of a failed start. */
const STDERR_KEPT = 64 * 1024

export async function startSyncProcess(options: StartOptions = {}): Promise<SyncProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'plansync-sync-')))
  const child = spawn(process.execPath, ['--conditions=source', options.main ?? syncServerMain], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(options.port ?? 0),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      SYNC_INSECURE_DEV_AUTH: 'true',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: Array<Record<string, unknown>> = []
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT)
    options.onOutput?.(chunk.toString(), 'stderr')
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
    const timer = setTimeout(() => {
      // Never leave a half-started server behind.
      child.kill('SIGKILL')
      reject(new Error(`sync server did not start in time\n${stderr}`))
    }, 20_000)
    lines.on('line', (line) => {
      options.onOutput?.(line, 'stdout')
      let entry: Record<string, unknown>
      try {
        entry = JSON.parse(line) as Record<string, unknown>
      } catch {
        return
      }
      if (options.keepLogs !== false) logs.push(entry)
      if (entry.msg === 'listening' && typeof entry.url === 'string') {
        clearTimeout(timer)
        resolve(entry.url)
      }
    })
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`sync server exited early (${code ?? signal})\n${stderr}`))
    })
  })
  return {
    url,
    syncUrl: `${url.replace(/^http/, 'ws')}/sync`,
    child,
    dataDir,
    logs,
    exited,
    stderr: () => stderr,
  }
}

/** SIGTERM (clean) or SIGKILL (crash); resolves once the process is gone. */
export async function stopSyncProcess(
  server: SyncProcess,
  signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM',
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal)
  return server.exited
}

export async function removeDataDir(server: SyncProcess): Promise<void> {
  await rm(server.dataDir, { recursive: true, force: true })
}
