// Sends small updates round-robin from a set of clients at a fixed aggregate rate.
import { summarizeLatencies } from '../metrics/percentiles.ts'
import type { DeliveryTracker } from './delivery-tracker.ts'
import type { SimClient } from './sim-client.ts'
import type { LoadCommand, LoadResult } from './worker-protocol.ts'

// The pacing tick. Each tick sends whatever the schedule says is due, so
// timer jitter turns into small bursts instead of a lower rate.
const TICK_MS = 1
const DRAIN_POLL_MS = 10

export async function driveLoad(
  command: LoadCommand,
  clients: readonly SimClient[],
  tracker: DeliveryTracker,
): Promise<LoadResult> {
  const receiversOf = countReceivers(clients)
  const maxUpdates = command.maxUpdates ?? Number.POSITIVE_INFINITY
  const cpuBefore = process.cpuUsage()
  const startedAt = performance.now()
  tracker.beginWindow()
  let sent = 0
  let refused = 0
  let cursor = 0
  while (clients.length > 0) {
    const elapsed = performance.now() - startedAt
    if (elapsed >= command.durationMs || sent + refused >= maxUpdates) break
    const due = Math.min(maxUpdates, Math.floor((command.ratePerSecond * elapsed) / 1000))
    while (sent + refused < due) {
      const client = clients[cursor++ % clients.length]
      if (client === undefined) break
      if (client.sendUpdate(receiversOf.get(client.docName) ?? 0)) sent += 1
      else refused += 1
    }
    await sleep(TICK_MS)
  }
  const sendSeconds = (performance.now() - startedAt) / 1000
  const drainUntil = performance.now() + command.drainMs
  while (tracker.counts.received < tracker.counts.expected && performance.now() < drainUntil) {
    await sleep(DRAIN_POLL_MS)
  }
  const counts = tracker.endWindow()
  const cpu = process.cpuUsage(cpuBefore)
  const wallSeconds = (performance.now() - startedAt) / 1000
  return {
    ratePerSecond: command.ratePerSecond,
    sent,
    refused,
    sendSeconds,
    achievedRate: sendSeconds > 0 ? sent / sendSeconds : 0,
    expected: counts.expected,
    received: counts.received,
    deliveryRatio: counts.expected > 0 ? counts.received / counts.expected : 1,
    latency: summarizeLatencies(counts.latenciesMs),
    workerCores: (cpu.user + cpu.system) / 1e6 / wallSeconds,
  }
}

/** Every other open client in the same doc should receive each update. */
function countReceivers(clients: readonly SimClient[]): Map<string, number> {
  const perDoc = new Map<string, number>()
  for (const client of clients) {
    if (client.isOpen()) perDoc.set(client.docName, (perDoc.get(client.docName) ?? 0) + 1)
  }
  for (const [docName, count] of perDoc) perDoc.set(docName, count - 1)
  return perDoc
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
