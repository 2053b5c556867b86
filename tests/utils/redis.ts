// Starts a throwaway redis-server for tests on a free loopback port (or
// reuses PLANSYNC_TEST_REDIS_URL), with persistence off unless asked.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import { freePort } from './free-port.ts'

export interface TestRedis {
  url: string
  port: number
  /**
   * Stops the server (SIGTERM) and starts it again on the same port; with
   * `loseData`, everything it persisted is deleted first, as after a restart
   * without AOF. Throws for a server the tests did not start.
   */
  restart(options?: { loseData?: boolean }): Promise<void>
  stop(): Promise<void>
}

export async function startRedis(options: { appendOnly?: boolean } = {}): Promise<TestRedis> {
  const external = process.env.PLANSYNC_TEST_REDIS_URL
  if (external) {
    return {
      url: external,
      port: Number(new URL(external).port),
      restart: async () => {
        // A restart test that restarts nothing would pass for nothing.
        throw new Error('restart needs the throwaway redis-server (unset PLANSYNC_TEST_REDIS_URL)')
      },
      stop: async () => {},
    }
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'plansync-redis-'))
  const port = await freePort()
  let child: ChildProcess | undefined
  const launch = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        options.appendOnly ? 'yes' : 'no',
      ],
      { stdio: 'ignore' },
    )
    child.once('error', () => {})
    await waitForPing(port, child)
  }
  const halt = async () => {
    const running = child
    if (!running || running.exitCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    await exited
  }
  await launch()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart({ loseData = false } = {}) {
      await halt()
      if (loseData) {
        for (const name of await readdir(dir)) {
          await rm(path.join(dir, name), { recursive: true, force: true })
        }
      }
      await launch()
    },
    async stop() {
      await halt()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        'redis-server exited at start: install it with `apt-get install redis-server`',
      )
    }
    const client = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    })
    client.on('error', () => {})
    try {
      await client.connect()
      await client.ping()
      return
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error('redis-server did not answer PING in time', { cause: error })
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      client.disconnect()
    }
  }
}
