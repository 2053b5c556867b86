// Scenario 1: D docs × C clients send small updates at stepped aggregate rates.
// Per step: delivery ratio, latency, server CPU and peak RSS. The sustained
// rate is the highest step with full delivery and p99 under the SLO.
import type { ConnectResult, LoadResult } from '../load/worker-protocol.ts'
import type { ProcessWindow } from '../metrics/process-meter.ts'
import { SLO } from '../profiles.ts'
import { type ScenarioContext, spreadEndpoints } from './context.ts'

export interface ThroughputStep {
  load: LoadResult
  server: ProcessWindow
  passed: boolean
}

export interface Sustained {
  ratePerSecond: number
  serverCores: number
  perCore: number
}

export interface ThroughputResult {
  docs: number
  clientsPerDoc: number
  connect: ConnectResult
  warmup?: LoadResult
  steps: ThroughputStep[]
  /** Undefined when not even the lowest step passed. */
  sustained?: Sustained
}

const GROUP = 'throughput'
// Past this the server is saturated and higher steps only pile up backlog.
const GIVE_UP = Object.freeze({ deliveryRatio: 0.9, p99Ms: 1000 })

export async function runThroughput(context: ScenarioContext): Promise<ThroughputResult> {
  const { docs, clientsPerDoc, rates, stepMs, drainMs, warmupRate, warmupMs } =
    context.profile.throughput
  const { server, worker } = context
  const connect = await worker.run({
    type: 'connect',
    group: GROUP,
    dialect: server.target.dialect,
    endpoints: spreadEndpoints(server, 'throughput', docs, docs * clientsPerDoc),
    timeoutMs: context.profile.connectTimeoutMs,
  })
  const steps: ThroughputStep[] = []
  let warmup: LoadResult | undefined
  try {
    if (connect.failed > 0)
      throw new Error(`${connect.failed} clients did not sync: ${connect.errors}`)
    warmup = await worker.run({
      type: 'load',
      group: GROUP,
      ratePerSecond: warmupRate,
      durationMs: warmupMs,
      drainMs,
    })
    context.log(`throughput warm-up at ${warmupRate}/s: p99 ${warmup.latency.p99.toFixed(1)} ms`)
    for (const ratePerSecond of rates) {
      if (performance.now() + stepMs + drainMs > context.deadline) {
        context.log(`throughput: time budget reached, skipping ${ratePerSecond}/s and up`)
        break
      }
      const meter = context.meterServer()
      const load = await worker.run({
        type: 'load',
        group: GROUP,
        ratePerSecond,
        durationMs: stepMs,
        drainMs,
      })
      const step = { load, server: meter.stop(), passed: meetsSlo(load) }
      steps.push(step)
      context.log(describeStep(step))
      if (load.deliveryRatio < GIVE_UP.deliveryRatio || load.latency.p99 > GIVE_UP.p99Ms) break
    }
  } finally {
    await worker.run({ type: 'close', group: GROUP })
  }
  return { docs, clientsPerDoc, connect, warmup, steps, sustained: findSustained(steps) }
}

function meetsSlo(load: LoadResult): boolean {
  return (
    load.deliveryRatio >= SLO.deliveryRatio && load.latency.p99 < SLO.p99Ms && load.refused === 0
  )
}

function findSustained(steps: readonly ThroughputStep[]): Sustained | undefined {
  const best = steps.filter((step) => step.passed).at(-1)
  if (best === undefined) return undefined
  const serverCores = best.server.coresUsed
  return {
    ratePerSecond: best.load.ratePerSecond,
    serverCores,
    perCore: serverCores > 0 ? best.load.ratePerSecond / serverCores : 0,
  }
}

function describeStep({ load, server, passed }: ThroughputStep): string {
  return (
    `throughput ${load.ratePerSecond}/s: delivered ${(load.deliveryRatio * 100).toFixed(2)}%, ` +
    `p99 ${load.latency.p99.toFixed(1)} ms, server ${server.coresUsed.toFixed(2)} cores, ` +
    `worker ${load.workerCores.toFixed(2)} cores${passed ? '' : ' (fails the SLO)'}`
  )
}
