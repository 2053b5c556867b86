// The IPC messages between the runner and the load worker process.
import type { LatencySummary } from '../metrics/percentiles.ts'
import type { DialectName } from './wire.ts'

export interface Endpoint {
  url: string
  docName: string
}

/** Opens clients (in batches of `batchSize`, all at once by default) and waits for their step 2. */
export interface ConnectCommand {
  type: 'connect'
  group: string
  dialect: DialectName
  endpoints: Endpoint[]
  batchSize?: number
  timeoutMs: number
  /** Also count the updates each client had when its step 2 arrived (costs a parse). */
  inspectStep2?: boolean
}

export interface ConnectResult {
  requested: number
  synced: number
  failed: number
  /** Socket open to first step 2, per synced client. */
  syncLatency: LatencySummary
  elapsedMs: number
  /** CPU seconds the worker spent opening and syncing these clients. */
  workerCpuSeconds: number
  /** With `inspectStep2`: the fewest updates any client had when its step 2 arrived. */
  minStep2Clocks?: number
  /** The first few distinct failure reasons. */
  errors: string[]
}

/** Sends small updates from the clients of `group` at an aggregate rate, then drains. */
export interface LoadCommand {
  type: 'load'
  group: string
  ratePerSecond: number
  durationMs: number
  /** Stop early after this many updates (e.g. to write a fixed history). */
  maxUpdates?: number
  /** How long to wait after the last send for outstanding deliveries. */
  drainMs: number
}

export interface LoadResult {
  ratePerSecond: number
  sent: number
  /** Sends refused because the client's socket had closed. */
  refused: number
  sendSeconds: number
  achievedRate: number
  expected: number
  received: number
  deliveryRatio: number
  latency: LatencySummary
  /** CPU the worker itself used, in cores (1.0 = one core busy). */
  workerCores: number
}

export interface CloseCommand {
  type: 'close'
  /** Closes every client when omitted. */
  group?: string
}

export type WorkerCommand = ConnectCommand | LoadCommand | CloseCommand

export interface WorkerRequest {
  id: number
  command: WorkerCommand
}

export type WorkerResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string }
