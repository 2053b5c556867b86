// Opens simulated clients and waits, within a deadline, until each has its sync step 2.
import * as Y from 'yjs'
import { summarizeLatencies } from '../metrics/percentiles.ts'
import type { DeliveryTracker } from './delivery-tracker.ts'
import { createSimClient, type SimClient } from './sim-client.ts'
import { createDialect } from './wire.ts'
import type { ConnectCommand, ConnectResult } from './worker-protocol.ts'

const MAX_REPORTED_ERRORS = 5

export interface Connected {
  clients: SimClient[]
  result: ConnectResult
}

export async function connectClients(
  command: ConnectCommand,
  tracker: DeliveryTracker,
): Promise<Connected> {
  const dialect = createDialect(command.dialect)
  const cpuBefore = process.cpuUsage()
  const startedAt = performance.now()
  const deadline = startedAt + command.timeoutMs
  const batchSize = Math.max(1, command.batchSize ?? command.endpoints.length)
  const clients: SimClient[] = []
  const failures: SimClient[] = []
  const syncMs: number[] = []
  const errors = new Set<string>()

  for (let start = 0; start < command.endpoints.length; start += batchSize) {
    const batch = command.endpoints
      .slice(start, start + batchSize)
      .map((endpoint) => createSimClient({ ...endpoint, dialect, tracker }))
    const outcomes = await Promise.all(
      batch.map((client) => untilDeadline(client.synced, deadline)),
    )
    outcomes.forEach((outcome, index) => {
      const client = batch[index]
      if (client === undefined) return
      if (typeof outcome === 'number') {
        clients.push(client)
        syncMs.push(outcome)
      } else {
        failures.push(client)
        if (errors.size < MAX_REPORTED_ERRORS) errors.add(outcome.message)
      }
    })
  }
  await Promise.all(failures.map((client) => client.close()))
  return {
    clients,
    result: {
      requested: command.endpoints.length,
      synced: clients.length,
      failed: failures.length,
      syncLatency: summarizeLatencies(syncMs),
      elapsedMs: performance.now() - startedAt,
      workerCpuSeconds: cpuSecondsSince(cpuBefore),
      minStep2Clocks: command.inspectStep2 ? countFewestClocks(clients) : undefined,
      errors: [...errors],
    },
  }
}

/**
 * The history a client had when it counted as synced: the highest clock it
 * saw per writer, summed. Each of our updates is one clock, and deleted
 * (overwritten) ones keep their clocks, so this is the number of updates.
 */
function countFewestClocks(clients: readonly SimClient[]): number {
  let fewest = Number.POSITIVE_INFINITY
  for (const client of clients) {
    const highest = new Map<number, number>()
    for (const payload of client.syncPayloads()) {
      for (const [writer, to] of Y.parseUpdateMeta(payload).to) {
        highest.set(writer, Math.max(to, highest.get(writer) ?? 0))
      }
    }
    let clocks = 0
    for (const to of highest.values()) clocks += to
    fewest = Math.min(fewest, clocks)
  }
  return Number.isFinite(fewest) ? fewest : 0
}

function cpuSecondsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1e6
}

/** Resolves with the value, or with an Error when it rejects or the deadline passes. */
function untilDeadline(promise: Promise<number>, deadline: number): Promise<number | Error> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve(new Error('no sync step 2 before the deadline')),
      Math.max(0, deadline - performance.now()),
    )
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        resolve(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}
