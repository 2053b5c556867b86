// Latency summaries: nearest-rank percentiles over a list of samples in milliseconds.

export interface LatencySummary {
  count: number
  p50: number
  p99: number
  max: number
}

export const EMPTY_SUMMARY: LatencySummary = Object.freeze({ count: 0, p50: 0, p99: 0, max: 0 })

/** Summarises samples (ms); sorts a copy so callers may keep appending to theirs. */
export function summarizeLatencies(samples: ArrayLike<number>): LatencySummary {
  if (samples.length === 0) return EMPTY_SUMMARY
  const sorted = Float64Array.from(samples).sort()
  return {
    count: sorted.length,
    p50: pickRank(sorted, 0.5),
    p99: pickRank(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
  }
}

/** The median of a few repetitions, e.g. of a cold load time. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  return pickRank(Float64Array.from(values).sort(), 0.5)
}

function pickRank(sorted: Float64Array, quantile: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1))
  return sorted[index] ?? 0
}
