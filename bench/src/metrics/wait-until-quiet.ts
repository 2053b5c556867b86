// Waits until a process is (nearly) idle, e.g. until a server has worked off a backlog.
import { readCpuSeconds } from './proc-stats.ts'

export interface QuietOptions {
  /** Below this many cores over one window counts as quiet. */
  maxCores: number
  windowMs: number
  timeoutMs: number
}

const DEFAULTS: QuietOptions = { maxCores: 0.05, windowMs: 250, timeoutMs: 20_000 }

/** True once `pid` used less than `maxCores` over one window; false on timeout or exit. */
export async function waitUntilQuiet(
  pid: number,
  options: Partial<QuietOptions> = {},
): Promise<boolean> {
  const { maxCores, windowMs, timeoutMs } = { ...DEFAULTS, ...options }
  const deadline = performance.now() + timeoutMs
  try {
    while (performance.now() < deadline) {
      const before = readCpuSeconds(pid)
      await new Promise((resolve) => setTimeout(resolve, windowMs))
      if ((readCpuSeconds(pid) - before) / (windowMs / 1000) < maxCores) return true
    }
  } catch {
    // /proc/<pid> is gone: the process exited.
  }
  return false
}
