// Prometheus metrics of one sync server, on its own registry so that
// several servers (tests, embedded mode) never share counters.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

export interface SyncMetrics {
  registry: Registry
  connections: Gauge
  loadedDocs: Gauge
  docLoads: Counter
  docLoadFailures: Counter
  updatesIn: Counter
  updatesOut: Counter
  bytesIn: Counter
  bytesOut: Counter
  droppedUpdates: Counter
  closes: Counter<'code'>
  persistSeconds: Histogram
  commitBatchSize: Histogram
  commitFailures: Counter
  relaySeconds: Histogram
  pendingBytes: Gauge
  logRows: Gauge
  compactions: Counter
  leasesAcquired: Counter
  leasesLost: Counter
  fencedWritesRefused: Counter
  accessChanges: Counter<'kind'>
  accessRecheckFailures: Counter
  forgedAwareness: Counter
}

export function createSyncMetrics(collectors: {
  pendingBytes: () => number
  logRows: () => Promise<number>
}): SyncMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 })
  const registers = [registry]
  const ms = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
  return {
    registry,
    connections: new Gauge({
      name: 'sync_connections',
      help: 'Open WebSocket connections',
      registers,
    }),
    loadedDocs: new Gauge({ name: 'sync_loaded_docs', help: 'Docs held in memory', registers }),
    docLoads: new Counter({
      name: 'sync_doc_loads_total',
      help: 'Docs loaded from storage',
      registers,
    }),
    docLoadFailures: new Counter({
      name: 'sync_doc_load_failures_total',
      help: 'Failed doc loads',
      registers,
    }),
    updatesIn: new Counter({
      name: 'sync_updates_in_total',
      help: 'Update messages applied',
      registers,
    }),
    updatesOut: new Counter({
      name: 'sync_updates_out_total',
      help: 'Update frames relayed',
      registers,
    }),
    bytesIn: new Counter({ name: 'sync_bytes_in_total', help: 'Bytes received', registers }),
    bytesOut: new Counter({ name: 'sync_bytes_out_total', help: 'Bytes sent', registers }),
    droppedUpdates: new Counter({
      name: 'sync_dropped_updates_total',
      help: 'Update messages dropped (read-only connections)',
      registers,
    }),
    closes: new Counter({
      name: 'sync_closes_total',
      help: 'Connections closed by the server, by close code',
      labelNames: ['code'],
      registers,
    }),
    persistSeconds: new Histogram({
      name: 'sync_persist_seconds',
      help: 'Duration of one group commit',
      buckets: ms,
      registers,
    }),
    commitBatchSize: new Histogram({
      name: 'sync_commit_batch_size',
      help: 'Updates per group commit',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
      registers,
    }),
    commitFailures: new Counter({
      name: 'sync_commit_failures_total',
      help: 'Failed commits',
      registers,
    }),
    relaySeconds: new Histogram({
      name: 'sync_relay_seconds',
      help: 'From receiving an update to relaying it (includes the commit)',
      buckets: ms,
      registers,
    }),
    pendingBytes: new Gauge({
      name: 'sync_pending_bytes',
      help: 'Update bytes accepted but not yet durable',
      registers,
      collect() {
        this.set(collectors.pendingBytes())
      },
    }),
    logRows: new Gauge({
      name: 'sync_log_rows_awaiting_compaction',
      help: 'Update log rows not yet merged into a snapshot',
      registers,
      // Storage down must not take /metrics down with it (that is when it
      // matters most): the gauge keeps its last value until storage answers.
      async collect() {
        try {
          this.set(await collectors.logRows())
        } catch {}
      },
    }),
    compactions: new Counter({
      name: 'sync_compactions_total',
      help: 'Compactions run',
      registers,
    }),
    leasesAcquired: new Counter({
      name: 'sync_doc_leases_acquired_total',
      help: 'Doc leases (compaction, seats) taken by this instance',
      registers,
    }),
    leasesLost: new Counter({
      name: 'sync_doc_leases_lost_total',
      help: 'Doc leases this instance could not renew in time (its work on the doc stopped)',
      registers,
    }),
    fencedWritesRefused: new Counter({
      name: 'sync_fenced_writes_refused_total',
      help: 'Compaction or seat writes storage refused for a stale fencing token',
      registers,
    }),
    accessChanges: new Counter({
      name: 'sync_access_changes_total',
      help: 'Access changes applied (from the channel or the periodic recheck)',
      labelNames: ['kind'],
      registers,
    }),
    accessRecheckFailures: new Counter({
      name: 'sync_access_recheck_failures_total',
      help: 'Periodic access rechecks that could not reach the auth API',
      registers,
    }),
    forgedAwareness: new Counter({
      name: 'sync_forged_awareness_total',
      help: 'Awareness states dropped for claiming another user',
      registers,
    }),
  }
}
