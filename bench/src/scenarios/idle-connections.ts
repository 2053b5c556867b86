// Scenario 2: the server's memory per idle, synced connection (RSS delta / connections).
// The delta includes the docs the connections open (connections / docs each).

import { readMemoryStats } from '../metrics/proc-stats.ts'
import { startProcessMeter } from '../metrics/process-meter.ts'
import { sleep } from '../servers/server-process.ts'
import { type ScenarioContext, spreadEndpoints } from './context.ts'

export interface IdleResult {
  requested: number
  synced: number
  docs: number
  rssBeforeBytes: number
  rssAfterBytes: number
  bytesPerConnection: number
  /** Server CPU while the connections sit idle: background timers and pings. */
  idleServerCores: number
  errors: string[]
}

const GROUP = 'idle'

export async function runIdleConnections(context: ScenarioContext): Promise<IdleResult> {
  const { connections, docs, batchSize, settleMs } = context.profile.idle
  const { server, worker } = context
  await sleep(settleMs)
  const rssBeforeBytes = readMemoryStats(server.pid).rssBytes
  try {
    const connect = await worker.run({
      type: 'connect',
      group: GROUP,
      dialect: server.target.dialect,
      endpoints: spreadEndpoints(server, 'idle', docs, connections),
      batchSize,
      timeoutMs: context.profile.connectTimeoutMs,
    })
    // Give the server a moment to finish allocating for the last batch.
    await sleep(settleMs)
    const meter = startProcessMeter(server.pid)
    await sleep(settleMs)
    const idleServerCores = meter.stop().coresUsed
    const rssAfterBytes = readMemoryStats(server.pid).rssBytes
    return {
      requested: connect.requested,
      synced: connect.synced,
      docs,
      rssBeforeBytes,
      rssAfterBytes,
      bytesPerConnection:
        connect.synced > 0 ? (rssAfterBytes - rssBeforeBytes) / connect.synced : 0,
      idleServerCores,
      errors: connect.errors,
    }
  } finally {
    await worker.run({ type: 'close', group: GROUP })
  }
}
