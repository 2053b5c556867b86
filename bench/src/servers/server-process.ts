// Runs one server under test as a child process on a free loopback port.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { findFreePort } from './free-port.ts'
import type { ServerTarget } from './targets.ts'

export interface ServerProcess {
  target: ServerTarget
  pid: number
  port: number
  syncUrl(docName: string): string
  isRunning(): boolean
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>
}

export interface StartOptions {
  repoRoot: string
  dataDir: string
  readyTimeoutMs: number
}

const OUTPUT_TAIL_CHARS = 2000
const STOP_GRACE_MS = 5000

// Servers still running when the runner exits (watchdog, crash) are killed
// with it rather than left listening.
const liveChildren = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL')
})

export async function startServerProcess(
  target: ServerTarget,
  options: StartOptions,
): Promise<ServerProcess> {
  const entry = join(options.repoRoot, target.entry)
  if (!existsSync(entry)) throw new Error(`${target.entry} does not exist (yet)`)
  const port = await findFreePort()
  const child = spawn(process.execPath, [...target.nodeArgs, entry], {
    cwd: options.repoRoot,
    env: { ...process.env, ...target.env(port, options.dataDir) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // Keep the end of its output to explain a failed start; drop the rest so a
  // chatty server cannot grow our memory.
  let outputTail = ''
  const keepTail = (chunk: Buffer) => {
    outputTail = (outputTail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS)
  }
  child.stdout?.on('data', keepTail)
  child.stderr?.on('data', keepTail)
  liveChildren.add(child)
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      liveChildren.delete(child)
      resolve(code)
    }),
  )
  try {
    await waitUntilReady(child, exited, port, target.readyPath, options.readyTimeoutMs)
  } catch (error) {
    await stopChild(child, exited)
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`${reason}${outputTail ? `\n--- server output ---\n${outputTail.trim()}` : ''}`)
  }
  return {
    target,
    pid: child.pid ?? 0,
    port,
    syncUrl: (docName) => target.syncUrl(port, docName),
    isRunning: () => child.exitCode === null && child.signalCode === null,
    stop: () => stopChild(child, exited),
  }
}

async function waitUntilReady(
  child: ChildProcess,
  exited: Promise<number | null>,
  port: number,
  path: string,
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | null | undefined
  void exited.then((code) => {
    exitCode = code
  })
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (exitCode !== undefined || child.exitCode !== null) {
      throw new Error(`the server exited during start-up (code ${exitCode ?? child.exitCode})`)
    }
    if (await answersOk(`http://127.0.0.1:${port}${path}`)) return
    await sleep(100)
  }
  throw new Error(`GET ${path} did not answer 200 within ${timeoutMs} ms`)
}

async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
    await response.body?.cancel()
    return response.status === 200
  } catch {
    return false
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
  await exited
  clearTimeout(timer)
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
