// Measures one window of a server process: CPU used, peak RSS, and what else kept the machine busy.
import { readCpuSeconds, readMachineCpu, readMemoryStats } from './proc-stats.ts'

export interface ProcessWindow {
  wallSeconds: number
  cpuSeconds: number
  /** CPU seconds per wall second: 1.0 means one core fully busy. */
  coresUsed: number
  peakRssBytes: number
  endRssBytes: number
  /**
   * Cores used by processes other than the server and its companions (the
   * generator, the runner): anything well above 0 means the figures of this
   * window are disturbed, e.g. by a test suite running on the same machine.
   */
  otherCores: number
  /** Cores the hypervisor took away (steal time). */
  stealCores: number
}

export interface ProcessMeter {
  /** Ends the window; later calls return the same figures. */
  stop(): ProcessWindow
}

// VmHWM is the peak over the process lifetime, so a window's peak is sampled.
const SAMPLE_INTERVAL_MS = 100

/** Starts measuring `pid` now; `companionPids` are ours too and not counted as other load. */
export function startProcessMeter(
  pid: number,
  companionPids: readonly number[] = [],
): ProcessMeter {
  const ownPids = [pid, ...companionPids]
  const startedAt = performance.now()
  const startCpu = ownPids.map(readCpuOrZero)
  const startMachine = readMachineCpu()
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
      const usedCpu = ownPids.map((ownPid, index) =>
        Math.max(0, readCpuOrZero(ownPid) - (startCpu[index] ?? 0)),
      )
      const cpuSeconds = usedCpu[0] ?? 0
      const ownSeconds = usedCpu.reduce((sum, seconds) => sum + seconds, 0)
      const machine = readMachineCpu()
      const perWallSecond = (seconds: number) => (wallSeconds > 0 ? seconds / wallSeconds : 0)
      window = {
        wallSeconds,
        cpuSeconds,
        coresUsed: perWallSecond(cpuSeconds),
        peakRssBytes: Math.max(peakRssBytes, endRssBytes),
        endRssBytes,
        otherCores: Math.max(
          0,
          perWallSecond(machine.busySeconds - startMachine.busySeconds - ownSeconds),
        ),
        stealCores: perWallSecond(machine.stealSeconds - startMachine.stealSeconds),
      }
      return window
    },
  }
}

function readCpuOrZero(pid: number): number {
  try {
    return readCpuSeconds(pid)
  } catch {
    return 0
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
