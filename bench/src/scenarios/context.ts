// What every scenario gets: the server under test, the load worker, sizes and the time budget.
import type { LoadWorker } from '../load/worker-handle.ts'
import type { Endpoint } from '../load/worker-protocol.ts'
import type { ProcessMeter } from '../metrics/process-meter.ts'
import type { Profile } from '../profiles.ts'
import type { ServerProcess } from '../servers/server-process.ts'

export interface ScenarioContext {
  /** The running server; changes after `restartServer()`. */
  readonly server: ServerProcess
  /** Stops the server and starts it again on the same data directory. */
  restartServer(): Promise<ServerProcess>
  worker: LoadWorker
  /** Starts measuring the server; the generator and the runner do not count as other load. */
  meterServer(): ProcessMeter
  profile: Profile
  /** performance.now() after which no new step should start. */
  deadline: number
  log(message: string): void
}

/** `count` endpoints spread round-robin over `docs` docs named `calendar:<prefix>-<n>`. */
export function spreadEndpoints(
  server: ServerProcess,
  prefix: string,
  docs: number,
  count: number,
): Endpoint[] {
  return Array.from({ length: count }, (_, index) => {
    const docName = `calendar:${prefix}-${index % docs}`
    return { url: server.syncUrl(docName), docName }
  })
}
