// Reads CPU time and memory of another process from Linux /proc, without touching it.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

// utime and stime in /proc/<pid>/stat are in clock ticks; almost always 100/s.
const clockTicksPerSecond = readClockTicks()

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100
  } catch {
    return 100
  }
}

/** User + system CPU seconds the process has used so far. */
export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) is in parentheses and may contain spaces, so
  // count fields from the last ')': utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const userTicks = Number(fields[11])
  const systemTicks = Number(fields[12])
  return (userTicks + systemTicks) / clockTicksPerSecond
}

export interface MachineCpu {
  /** CPU seconds spent running anything on any core (user, nice, system, irq, softirq). */
  busySeconds: number
  /** CPU seconds the hypervisor gave to someone else while this VM wanted to run. */
  stealSeconds: number
}

/** Machine-wide CPU counters from the `cpu` line of /proc/stat. */
export function readMachineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? ''
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number)
  return {
    busySeconds: (user + nice + system + irq + softirq) / clockTicksPerSecond,
    stealSeconds: steal / clockTicksPerSecond,
  }
}

export interface MemoryStats {
  rssBytes: number
  /** The peak RSS over the whole life of the process (VmHWM). */
  peakRssBytes: number
}

export function readMemoryStats(pid: number): MemoryStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return { rssBytes: readKiloBytes(status, 'VmRSS'), peakRssBytes: readKiloBytes(status, 'VmHWM') }
}

function readKiloBytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
  return match?.[1] === undefined ? 0 : Number(match[1]) * 1024
}
