// Scenario sizes of the two run lengths, in one table. Full stays within ~10 minutes for three servers.

export interface Profile {
  name: 'quick' | 'full'
  /** The whole run stops starting new work after this long. */
  budgetMs: number
  throughput: {
    docs: number
    clientsPerDoc: number
    /** Aggregate updates/s, one step each, lowest first. */
    rates: readonly number[]
    stepMs: number
    drainMs: number
    /** An unrecorded first run, so the JIT of server and generator is warm before step one. */
    warmupRate: number
    warmupMs: number
  }
  idle: { connections: number; docs: number; batchSize: number; settleMs: number }
  coldLoad: { history: number; writers: number; writeRate: number; repetitions: number }
  joinStorm: { clients: number }
  /** The cluster comparison: one fixed aggregate rate over 1 and 3 instances. */
  cluster: {
    docs: number
    clientsPerDoc: number
    ratePerSecond: number
    durationMs: number
    drainMs: number
  }
  connectTimeoutMs: number
}

/** The pass mark of a throughput step. */
export const SLO = Object.freeze({ deliveryRatio: 1, p99Ms: 25 })

const full: Profile = {
  name: 'full',
  budgetMs: 10 * 60_000,
  throughput: {
    docs: 20,
    clientsPerDoc: 5,
    rates: [500, 1000, 1500, 2000, 3000, 4000, 6000, 8000],
    stepMs: 10_000,
    drainMs: 2000,
    warmupRate: 1000,
    warmupMs: 5000,
  },
  idle: { connections: 1000, docs: 100, batchSize: 250, settleMs: 2000 },
  coldLoad: { history: 20_000, writers: 4, writeRate: 5000, repetitions: 5 },
  joinStorm: { clients: 500 },
  cluster: { docs: 30, clientsPerDoc: 4, ratePerSecond: 2000, durationMs: 10_000, drainMs: 2000 },
  connectTimeoutMs: 30_000,
}

const quick: Profile = {
  ...full,
  name: 'quick',
  budgetMs: 3 * 60_000,
  throughput: {
    ...full.throughput,
    rates: [500, 1000, 2000, 4000, 8000],
    stepMs: 2500,
    drainMs: 1000,
    warmupMs: 2500,
  },
  idle: { ...full.idle, settleMs: 1000 },
  coldLoad: { ...full.coldLoad, history: 5000, repetitions: 3 },
  cluster: { ...full.cluster, durationMs: 3000, drainMs: 1000 },
}

export const PROFILES: Readonly<Record<Profile['name'], Profile>> = Object.freeze({ quick, full })
