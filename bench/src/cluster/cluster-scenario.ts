// The cluster benchmark: the same total load on one instance, on three with
// every doc's clients on one instance (as the proxy routes them), and on
// three with each doc's clients split across instances, so every update
// crosses the Redis relay. Per configuration: delivery, latency, server
// cores, and Redis commands per update.
import { startLoadWorker } from '../load/worker-handle.ts'
import type { Endpoint, LoadResult } from '../load/worker-protocol.ts'
import { startProcessMeter } from '../metrics/process-meter.ts'
import type { Profile } from '../profiles.ts'
import type { ServerProcess } from '../servers/server-process.ts'
import { type ClusterServices, startClusterServices, startInstances } from './cluster-servers.ts'
import { callsBetween, readRedisCalls } from './redis-ops.ts'

export type Layout = 'one instance' | 'three, by owner' | 'three, split'

export interface ClusterConfigResult {
  layout: Layout
  instances: number
  load: LoadResult
  /** CPU of every instance together, in cores. */
  serverCores: number
  /** Per instance, in cores. */
  coresPerInstance: number[]
  /** Commands sent to Redis per update (a script call counts once). */
  redisCallsPerUpdate: number
  /** Per Redis command, calls per update, busiest first. */
  redisCalls: Array<[string, number]>
}

export interface ClusterResult {
  docs: number
  clientsPerDoc: number
  ratePerSecond: number
  configs: ClusterConfigResult[]
  /** p99 of split minus p99 of by-owner: what crossing instances adds. */
  relayExtraP99Ms?: number
  error?: string
}

/**
 * Commands the relay only runs inside its Lua script (redis-relay.ts), which
 * commandstats counts on top of the script call: left out of the round trips.
 */
const INSIDE_RELAY_SCRIPT = ['incr', 'xadd']

const LAYOUTS: ReadonlyArray<{ layout: Layout; instances: number }> = [
  { layout: 'one instance', instances: 1 },
  { layout: 'three, by owner', instances: 3 },
  { layout: 'three, split', instances: 3 },
]

export async function runClusterBench(options: {
  repoRoot: string
  profile: Profile
  log(message: string): void
}): Promise<ClusterResult> {
  const { docs, clientsPerDoc, ratePerSecond, durationMs, drainMs } = options.profile.cluster
  const result: ClusterResult = { docs, clientsPerDoc, ratePerSecond, configs: [] }
  let services: ClusterServices | undefined
  try {
    services = await startClusterServices()
    for (const [index, { layout, instances }] of LAYOUTS.entries()) {
      const started = await startInstances(services, `bench_${index}`, instances, options.repoRoot)
      const worker = startLoadWorker()
      try {
        const endpoints = endpointsFor(layout, started.servers, docs, clientsPerDoc)
        const connect = await worker.run({
          type: 'connect',
          group: 'cluster',
          dialect: 'y-websocket',
          endpoints,
          timeoutMs: options.profile.connectTimeoutMs,
        })
        if (connect.failed > 0) throw new Error(`${connect.failed} clients did not sync`)
        // Unrecorded warm-up: JIT of the servers and the generator.
        await worker.run({
          type: 'load',
          group: 'cluster',
          ratePerSecond,
          durationMs: 1000,
          drainMs,
        })
        const callsBefore = await readRedisCalls(services.redis.url)
        const meters = started.servers.map((server) => startProcessMeter(server.pid))
        const load = await worker.run({
          type: 'load',
          group: 'cluster',
          ratePerSecond,
          durationMs,
          drainMs,
        })
        const coresPerInstance = meters.map((meter) => meter.stop().coresUsed)
        const calls = callsBetween(callsBefore, await readRedisCalls(services.redis.url))
        const perUpdate = (n: number) => (load.sent > 0 ? n / load.sent : 0)
        const config: ClusterConfigResult = {
          layout,
          instances,
          load,
          serverCores: coresPerInstance.reduce((sum, cores) => sum + cores, 0),
          coresPerInstance,
          redisCallsPerUpdate: perUpdate(
            calls
              .filter(([command]) => !INSIDE_RELAY_SCRIPT.includes(command))
              .reduce((sum, [, n]) => sum + n, 0),
          ),
          redisCalls: calls.map(([command, n]) => [command, perUpdate(n)]),
        }
        result.configs.push(config)
        options.log(
          `cluster ${layout}: delivered ${(load.deliveryRatio * 100).toFixed(2)}%, p99 ` +
            `${load.latency.p99.toFixed(1)} ms, ${config.serverCores.toFixed(2)} server cores, ` +
            `${config.redisCallsPerUpdate.toFixed(2)} Redis commands per update ` +
            `(${config.redisCalls.map(([c, n]) => `${c} ${n.toFixed(2)}`).join(', ')})`,
        )
      } finally {
        await worker.run({ type: 'close' }).catch(() => {})
        await worker.stop()
        await started.stop()
      }
    }
    const owner = result.configs.find((c) => c.layout === 'three, by owner')
    const split = result.configs.find((c) => c.layout === 'three, split')
    if (owner && split) result.relayExtraP99Ms = split.load.latency.p99 - owner.load.latency.p99
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error)
    options.log(`cluster: ${result.error}`)
  } finally {
    await services?.stop()
  }
  return result
}

/** Which instance each client connects to, per layout. */
function endpointsFor(
  layout: Layout,
  servers: readonly ServerProcess[],
  docs: number,
  clientsPerDoc: number,
): Endpoint[] {
  const endpoints: Endpoint[] = []
  for (let d = 0; d < docs; d++) {
    const docName = `calendar:cluster-${d}`
    for (let c = 0; c < clientsPerDoc; c++) {
      // By owner: a doc's clients all on one instance, docs spread evenly.
      // Split: a doc's clients spread over the instances.
      const index = layout === 'three, split' ? (d + c) % servers.length : d % servers.length
      const server = servers[index] as ServerProcess
      endpoints.push({ url: server.syncUrl(docName), docName })
    }
  }
  return endpoints
}
