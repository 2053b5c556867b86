// Measures one window of a server process: CPU seconds used, wall time and peak RSS.
import { readCpuSeconds, readMemoryStats } from './proc-stats.ts'

export interface ProcessWindow {
  wallSeconds: number
  cpuSeconds: number
  /** CPU seconds per wall second: 1.0 means one core fully busy. */
  coresUsed: number
  peakRssBytes: number
  endRssBytes: number
}

export interface ProcessMeter {
  /** Ends the window; later calls return the same figures. */
  stop(): ProcessWindow
}

// VmHWM is the peak over the process lifetime, so a window's peak is sampled.
const SAMPLE_INTERVAL_MS = 100

/** Starts measuring `pid` now; `stop()` ends the window and returns its figures. */
export function startProcessMeter(pid: number): ProcessMeter {
  const startedAt = performance.now()
  const startCpu = readCpuSeconds(pid)
  let peakRssBytes = readMemoryStats(pid).rssBytes
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, readRssOrZero(pid))
  }, SAMPLE_INTERVAL_MS)
  let window: ProcessWindow | undefined
  return {
    stop() {
      if (window !== undefined) return window
      clearInterval(sampler)
      const endRssBytes = readRssOrZero(pid)
      const wallSeconds = (performance.now() - startedAt) / 1000
      const cpuSeconds = readCpuSeconds(pid) - startCpu
      window = {
        wallSeconds,
        cpuSeconds,
        coresUsed: wallSeconds > 0 ? cpuSeconds / wallSeconds : 0,
        peakRssBytes: Math.max(peakRssBytes, endRssBytes),
        endRssBytes,
      }
      return window
    },
  }
}

function readRssOrZero(pid: number): number {
  try {
    return readMemoryStats(pid).rssBytes
  } catch {
    // The process exited between samples; the caller learns that elsewhere.
    return 0
  }
}
