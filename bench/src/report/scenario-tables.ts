// The printed report: one table per scenario, with ratio rows ours ÷ reference.
import type { ServerRun } from '../run-server.ts'
import type { ColdLoadResult } from '../scenarios/cold-load.ts'
import type { IdleResult } from '../scenarios/idle-connections.ts'
import type { JoinStormResult } from '../scenarios/join-storm.ts'
import type { Sustained } from '../scenarios/throughput.ts'
import { type Column, formatComparison, type ServerRow } from './comparison.ts'
import { formatMegabytes, formatNumber, formatTable } from './table.ts'

const PERCENT = 100

export function formatReport(runs: readonly ServerRun[]): string {
  return [
    formatThroughputSteps(runs),
    formatComparison(
      '1b. Sustained rate: highest step at 100% delivery and p99 < 25 ms',
      sustainedColumns,
      rowsOf(runs, (run) => run.throughput?.sustained, 'throughput', 'no step passed'),
    ),
    formatComparison(
      '2. Idle connections: server RSS per synced connection',
      idleColumns,
      rowsOf(runs, (run) => run.idle, 'idle'),
    ),
    formatComparison(
      '3. Load time of a doc with a long history (connect → sync step 2)',
      coldColumns,
      rowsOf(runs, (run) => run.coldLoad, 'coldLoad'),
    ),
    formatComparison(
      '4. Join storm: clients join one doc at once (open → sync step 2)',
      stormColumns,
      rowsOf(runs, (run) => run.joinStorm, 'joinStorm'),
    ),
    'ratio = ours ÷ reference: below 1× is better for ms, cores and bytes, above 1× for rates.',
  ].join('\n\n')
}

function rowsOf<Row>(
  runs: readonly ServerRun[],
  pick: (run: ServerRun) => Row | undefined,
  scenario: string,
  missing = 'failed',
): ServerRow<Row>[] {
  return runs.map((run) => ({
    id: run.id,
    label: run.id,
    row: pick(run),
    note: run.startError !== undefined ? 'not started' : run.errors[scenario] ? 'failed' : missing,
  }))
}

function formatThroughputSteps(runs: readonly ServerRun[]): string {
  const sizing = runs.find((run) => run.throughput)?.throughput
  const title = `1. Throughput: ${sizing?.docs ?? '?'} docs × ${sizing?.clientsPerDoc ?? '?'} clients, small updates at stepped aggregate rates`
  const headers = [
    'server',
    'target/s',
    'sent/s',
    'delivered %',
    'p50 ms',
    'p99 ms',
    'max ms',
    'server cores',
    'peak RSS MB',
    'generator cores',
    'other cores',
    'SLO',
  ]
  const rows: string[][] = []
  for (const run of runs) {
    if (run.throughput === undefined) {
      rows.push([run.id, run.startError !== undefined ? 'not started' : 'failed'])
      continue
    }
    for (const { load, server, passed } of run.throughput.steps) {
      rows.push([
        run.id,
        formatNumber(load.ratePerSecond),
        formatNumber(load.achievedRate),
        formatNumber(load.deliveryRatio * PERCENT, 2),
        formatNumber(load.latency.p50, 1),
        formatNumber(load.latency.p99, 1),
        formatNumber(load.latency.max, 1),
        formatNumber(server.coresUsed, 2),
        formatMegabytes(server.peakRssBytes),
        formatNumber(load.workerCores, 2) + (load.workerCores > GENERATOR_LIMIT ? '!' : ''),
        formatNumber(server.otherCores, 2) + (server.otherCores > OTHER_LOAD_LIMIT ? '?' : ''),
        passed ? 'pass' : 'FAIL',
      ])
    }
  }
  return formatTable(title, headers, rows)
}

/** Above this the generator, not the server, may be what limits a step. */
export const GENERATOR_LIMIT = 0.8
/** Above this, other processes on the machine disturbed the window. */
export const OTHER_LOAD_LIMIT = 0.2

const sustainedColumns: Column<Sustained>[] = [
  { header: 'updates/s', value: (row) => row.ratePerSecond, ratio: true },
  { header: 'server cores', value: (row) => row.serverCores, decimals: 2, ratio: true },
  { header: 'updates/s per core', value: (row) => row.perCore, ratio: true },
]

const idleColumns: Column<IdleResult>[] = [
  { header: 'synced', value: (row) => `${row.synced}/${row.requested}` },
  { header: 'docs', value: (row) => row.docs },
  {
    header: 'RSS before MB',
    value: (row) => row.rssBeforeBytes / 1024 / 1024,
    decimals: 1,
    ratio: true,
  },
  {
    header: 'RSS after MB',
    value: (row) => row.rssAfterBytes / 1024 / 1024,
    decimals: 1,
    ratio: true,
  },
  {
    header: 'KB per connection',
    value: (row) => row.bytesPerConnection / 1024,
    decimals: 1,
    ratio: true,
  },
  { header: 'idle server cores', value: (row) => row.idleServerCores, decimals: 3, ratio: true },
]

const coldColumns: Column<ColdLoadResult>[] = [
  { header: 'history', value: (row) => row.history },
  { header: 'write delivered %', value: (row) => row.write.deliveryRatio * PERCENT, decimals: 2 },
  { header: 'warm median ms', value: (row) => row.warm.medianMs, decimals: 1, ratio: true },
  { header: 'warm updates seen', value: (row) => row.warm.minCoveredUpdates },
  {
    header: 'cold median ms',
    value: (row) => row.cold?.medianMs ?? 'n/a (no persistence)',
    decimals: 1,
    ratio: true,
  },
  { header: 'cold updates seen', value: (row) => row.cold?.minCoveredUpdates ?? '-' },
]

const stormColumns: Column<JoinStormResult>[] = [
  { header: 'synced', value: (row) => `${row.connect.synced}/${row.connect.requested}` },
  { header: 'p50 ms', value: (row) => row.connect.syncLatency.p50, decimals: 1, ratio: true },
  { header: 'p99 ms', value: (row) => row.connect.syncLatency.p99, decimals: 1, ratio: true },
  { header: 'max ms', value: (row) => row.connect.syncLatency.max, decimals: 1, ratio: true },
  { header: 'server CPU s', value: (row) => row.server.cpuSeconds, decimals: 2, ratio: true },
  { header: 'generator CPU s', value: (row) => row.connect.workerCpuSeconds, decimals: 2 },
  { header: 'other cores', value: (row) => row.server.otherCores, decimals: 2 },
]
