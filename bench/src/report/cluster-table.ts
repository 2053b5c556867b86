// The cluster comparison as a table: one row per layout, and the extra p99
// that crossing instances costs (target < 5 ms).
import type { ClusterResult } from '../cluster/cluster-scenario.ts'
import { formatNumber, formatTable } from './table.ts'

const RELAY_TARGET_MS = 5

export function formatClusterReport(result: ClusterResult): string {
  const title =
    `5. Cluster: ${result.docs} docs × ${result.clientsPerDoc} clients at ` +
    `${result.ratePerSecond} updates/s, ours on Postgres + Redis`
  if (result.error && result.configs.length === 0) return `${title}\nfailed: ${result.error}`
  const rows = result.configs.map((config) => {
    const perCore = config.serverCores > 0 ? config.load.achievedRate / config.serverCores : 0
    return [
      config.layout,
      formatNumber(config.load.achievedRate),
      formatNumber(config.load.deliveryRatio * 100, 2),
      formatNumber(config.load.latency.p50, 1),
      formatNumber(config.load.latency.p99, 1),
      formatNumber(config.serverCores, 2),
      config.coresPerInstance.map((cores) => cores.toFixed(2)).join(' / '),
      formatNumber(perCore),
      formatNumber(config.redisCallsPerUpdate, 2),
    ]
  })
  const table = formatTable(
    title,
    [
      'layout',
      'updates/s',
      'delivered %',
      'p50 ms',
      'p99 ms',
      'server cores',
      'cores per instance',
      'updates/s per core',
      'Redis calls/update',
    ],
    rows,
  )
  const extra = result.relayExtraP99Ms
  const verdict =
    extra === undefined
      ? 'relay cost: not measured'
      : `extra p99 of cross-instance relay (split − by owner): ${extra.toFixed(1)} ms ` +
        `(target < ${RELAY_TARGET_MS} ms: ${extra < RELAY_TARGET_MS ? 'met' : 'NOT met'})`
  return [table, verdict, ...(result.error ? [`error: ${result.error}`] : [])].join('\n')
}
