// Starts a throwaway PostgreSQL 15 cluster for tests (or reuses PLANSYNC_TEST_POSTGRES_URL).
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import postgres from 'postgres'
import { freePort } from './free-port.ts'

const BIN = '/usr/lib/postgresql/15/bin'
const USER = 'plansync'
const run = promisify(execFile)

export interface TestPostgres {
  url: string
  /** Stops the server abruptly (as a crash would), keeping its data. */
  pause(): Promise<void>
  /** Starts it again on the same port and data. */
  resume(): Promise<void>
  stop(): Promise<void>
}

export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env.PLANSYNC_TEST_POSTGRES_URL
  if (external) {
    const unsupported = async () => {
      throw new Error('pause/resume need the throwaway server (unset PLANSYNC_TEST_POSTGRES_URL)')
    }
    return { url: external, pause: unsupported, resume: unsupported, stop: async () => {} }
  }
  for (const tool of ['initdb', 'pg_ctl']) {
    if (!existsSync(join(BIN, tool))) {
      throw new Error(
        `${join(BIN, tool)} not found: install postgresql-15 (apt-get install postgresql-15) ` +
          'or set PLANSYNC_TEST_POSTGRES_URL to an existing server',
      )
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'plansync-pg-'))
  try {
    // initdb refuses to run as root, so root hands the cluster to the `postgres` user.
    const asRoot = process.getuid?.() === 0
    if (asRoot) {
      const { stdout: uid } = await run('id', ['-u', 'postgres'])
      const { stdout: gid } = await run('id', ['-g', 'postgres'])
      await chown(dir, Number(uid.trim()), Number(gid.trim()))
    }
    const pg = (tool: string, args: string[]) =>
      asRoot
        ? run('runuser', ['-u', 'postgres', '--', join(BIN, tool), ...args])
        : run(join(BIN, tool), args)
    // --no-sync only for initdb: the cluster is throwaway, but the server keeps fsync on so
    // durability code runs against real fsync behaviour.
    await pg('initdb', [
      '-D',
      dir,
      '-U',
      USER,
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ])
    const { port, serverOptions } = await startOnFreePort(dir, pg)
    const url = `postgres://${USER}@127.0.0.1:${port}/postgres`
    const pause = async () => {
      await pg('pg_ctl', ['-D', dir, '-w', 'stop', '-m', 'immediate'])
    }
    const resume = async () => {
      await pg('pg_ctl', ['-D', dir, '-w', '-l', join(dir, 'log'), '-o', serverOptions, 'start'])
    }
    let stopped: Promise<void> | undefined
    const stop = () => {
      // A paused server (see pause) has nothing to stop.
      stopped ??= pg('pg_ctl', ['-D', dir, '-w', 'stop', '-m', 'fast'])
        .catch(() =>
          pg('pg_ctl', ['-D', dir, 'status']).then(
            () => Promise.reject(new Error('pg_ctl stop failed')),
            () => {},
          ),
        )
        .then(() => rm(dir, { recursive: true, force: true }))
      return stopped
    }
    return { url, pause, resume, stop }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

type RunTool = (tool: string, args: string[]) => Promise<unknown>

// The port is picked then released before postgres binds it; another process may grab it in
// between, so a failed start is retried on a fresh port.
async function startOnFreePort(
  dir: string,
  pg: RunTool,
): Promise<{ port: number; serverOptions: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=on`
    try {
      await pg('pg_ctl', ['-D', dir, '-w', '-l', join(dir, 'log'), '-o', serverOptions, 'start'])
      return { port, serverOptions }
    } catch (error) {
      if (attempt >= 3)
        throw new Error(`pg_ctl start failed, see ${join(dir, 'log')}`, { cause: error })
    }
  }
}

/** A new database on the same server (for a service that keeps its own tables); its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  try {
    await admin`create database ${admin(name)}`
  } finally {
    await admin.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}
