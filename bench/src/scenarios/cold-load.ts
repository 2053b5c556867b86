// Scenario 3: load time of a doc with a long history (many small updates).
//
// Writers build the history at a steady rate; once every update has reached
// the other writers it is durable on a persistent server (ours commits before
// it relays). Warm: a probe client joins while the doc is in memory (a writer
// stays connected so Hocuspocus does not unload it). Cold: the server is
// restarted before each probe, so the doc comes from storage alone.
import type { ConnectResult, LoadResult } from '../load/worker-protocol.ts'
import { median } from '../metrics/percentiles.ts'
import type { ScenarioContext } from './context.ts'

export interface LoadTimes {
  samplesMs: number[]
  medianMs: number
  /** The fewest updates a probe had at its step 2; less than the history means lost data. */
  minCoveredUpdates: number
}

export interface ColdLoadResult {
  history: number
  write: LoadResult
  warm: LoadTimes
  /** Undefined for servers without persistence. */
  cold?: LoadTimes
}

const WRITERS = 'history-writers'
const PROBE = 'history-probe'
const DOC_NAME = 'calendar:history'
const WRITE_DRAIN_MS = 30_000

export async function runColdLoad(context: ScenarioContext): Promise<ColdLoadResult> {
  const { history, writers, writeRate, repetitions } = context.profile.coldLoad
  const { worker } = context
  const target = context.server.target
  const writersConnect = await connectGroup(context, WRITERS, writers)
  if (writersConnect.failed > 0) throw new Error(`writers did not sync: ${writersConnect.errors}`)
  let write: LoadResult
  const warmSamples: number[] = []
  let warmCovered = Number.POSITIVE_INFINITY
  try {
    write = await worker.run({
      type: 'load',
      group: WRITERS,
      ratePerSecond: writeRate,
      durationMs: (history / writeRate) * 1000 * 4,
      maxUpdates: history,
      drainMs: WRITE_DRAIN_MS,
    })
    context.log(
      `history: wrote ${write.sent} updates, delivered ${(write.deliveryRatio * 100).toFixed(2)}%`,
    )
    for (let repetition = 0; repetition < repetitions; repetition++) {
      const probe = await probeOnce(context)
      warmSamples.push(probe.ms)
      warmCovered = Math.min(warmCovered, probe.covered)
    }
  } finally {
    await worker.run({ type: 'close', group: WRITERS })
  }
  const warm = toLoadTimes(warmSamples, warmCovered)
  if (!target.persistent) return { history, write, warm }

  const coldSamples: number[] = []
  let coldCovered = Number.POSITIVE_INFINITY
  for (let repetition = 0; repetition < repetitions; repetition++) {
    await context.restartServer()
    const probe = await probeOnce(context)
    coldSamples.push(probe.ms)
    coldCovered = Math.min(coldCovered, probe.covered)
  }
  return { history, write, warm, cold: toLoadTimes(coldSamples, coldCovered) }
}

async function probeOnce(context: ScenarioContext): Promise<{ ms: number; covered: number }> {
  try {
    const connect = await connectGroup(context, PROBE, 1, true)
    if (connect.synced !== 1) throw new Error(`the probe did not sync: ${connect.errors}`)
    return { ms: connect.syncLatency.max, covered: connect.minStep2Clocks ?? 0 }
  } finally {
    await context.worker.run({ type: 'close', group: PROBE })
  }
}

function connectGroup(
  context: ScenarioContext,
  group: string,
  clients: number,
  inspectStep2 = false,
): Promise<ConnectResult> {
  const { server } = context
  const endpoint = { url: server.syncUrl(DOC_NAME), docName: DOC_NAME }
  return context.worker.run({
    type: 'connect',
    group,
    dialect: server.target.dialect,
    endpoints: Array.from({ length: clients }, () => endpoint),
    timeoutMs: context.profile.connectTimeoutMs,
    inspectStep2,
  })
}

function toLoadTimes(samplesMs: number[], covered: number): LoadTimes {
  return {
    samplesMs,
    medianMs: median(samplesMs),
    minCoveredUpdates: Number.isFinite(covered) ? covered : 0,
  }
}
