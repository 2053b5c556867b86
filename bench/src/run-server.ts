// Runs every scenario against one server: start it, measure, stop it, whatever fails.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLoadWorker } from './load/worker-handle.ts'
import { startProcessMeter } from './metrics/process-meter.ts'
import { waitUntilQuiet } from './metrics/wait-until-quiet.ts'
import type { Profile } from './profiles.ts'
import { type ColdLoadResult, runColdLoad } from './scenarios/cold-load.ts'
import type { ScenarioContext } from './scenarios/context.ts'
import { type IdleResult, runIdleConnections } from './scenarios/idle-connections.ts'
import { type JoinStormResult, runJoinStorm } from './scenarios/join-storm.ts'
import { runThroughput, type ThroughputResult } from './scenarios/throughput.ts'
import { type ServerProcess, startServerProcess } from './servers/server-process.ts'
import type { ServerId, ServerTarget } from './servers/targets.ts'

export interface ServerRun {
  id: ServerId
  label: string
  /** Why the server could not be started, if it could not. */
  startError?: string
  throughput?: ThroughputResult
  idle?: IdleResult
  joinStorm?: JoinStormResult
  coldLoad?: ColdLoadResult
  /** Scenario name -> why it failed. */
  errors: Record<string, string>
}

export interface RunOptions {
  repoRoot: string
  profile: Profile
  deadline: number
  log(message: string): void
}

const READY_TIMEOUT_MS = 20_000

export async function runServer(target: ServerTarget, options: RunOptions): Promise<ServerRun> {
  const run: ServerRun = { id: target.id, label: target.label, errors: {} }
  const log = (message: string) => options.log(`[${target.id}] ${message}`)
  const dataDir = await mkdtemp(join(tmpdir(), `plansync-bench-${target.id}-`))
  const start = () =>
    startServerProcess(target, {
      repoRoot: options.repoRoot,
      dataDir,
      readyTimeoutMs: READY_TIMEOUT_MS,
    })
  let server: ServerProcess
  try {
    server = await start()
  } catch (error) {
    run.startError = messageOf(error)
    log(`could not start: ${run.startError}`)
    await rm(dataDir, { recursive: true, force: true })
    return run
  }
  log(`listening on port ${server.port} (pid ${server.pid})`)
  const worker = startLoadWorker()
  const context: ScenarioContext = {
    get server() {
      return server
    },
    async restartServer() {
      await server.stop()
      server = await start()
      return server
    },
    worker,
    meterServer: () => startProcessMeter(server.pid, [worker.pid, process.pid]),
    profile: options.profile,
    deadline: options.deadline,
    log,
  }
  const scenarios = [
    // First, so its baseline RSS is that of a fresh server.
    ['idle', async () => (run.idle = await runIdleConnections(context))],
    ['throughput', async () => (run.throughput = await runThroughput(context))],
    ['joinStorm', async () => (run.joinStorm = await runJoinStorm(context))],
    // Last, because it restarts the server.
    ['coldLoad', async () => (run.coldLoad = await runColdLoad(context))],
  ] as const
  try {
    for (const [name, scenario] of scenarios) {
      if (!server.isRunning()) {
        run.errors[name] = 'the server is no longer running'
        continue
      }
      if (performance.now() > options.deadline) {
        run.errors[name] = 'skipped: the time budget is spent'
        continue
      }
      // A backlog left by the previous scenario would disturb this one.
      if (!(await waitUntilQuiet(server.pid))) log('the server is still busy; going on anyway')
      log(`${name}…`)
      try {
        await scenario()
      } catch (error) {
        run.errors[name] = messageOf(error)
        log(`${name} failed: ${run.errors[name]}`)
        await worker.run({ type: 'close' }).catch(() => {})
      }
    }
  } finally {
    await worker.stop()
    await server.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
  return run
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
