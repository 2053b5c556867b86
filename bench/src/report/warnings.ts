// The lines printed under the tables: what failed, and which figures to distrust.
import type { ServerRun } from '../run-server.ts'
import { GENERATOR_LIMIT, OTHER_LOAD_LIMIT } from './scenario-tables.ts'

export function collectWarnings(runs: readonly ServerRun[]): string[] {
  const warnings: string[] = []
  for (const run of runs) {
    if (run.startError !== undefined) {
      warnings.push(`${run.id}: not started: ${run.startError.split('\n')[0]}`)
    }
    for (const [scenario, error] of Object.entries(run.errors)) {
      warnings.push(`${run.id}: ${scenario} failed: ${error}`)
    }
    const steps = run.throughput?.steps ?? []
    const busy = steps.filter((step) => step.load.workerCores > GENERATOR_LIMIT)
    if (busy.length > 0) {
      warnings.push(
        `${run.id}: WARNING the load generator used > ${GENERATOR_LIMIT * 100}% of a core at ` +
          `${rates(busy)} (marked !): those steps may measure the generator, not the server`,
      )
    }
    const windows = [...steps, ...(run.joinStorm ? [run.joinStorm] : [])]
    const disturbed = windows.filter((window) => window.server.otherCores > OTHER_LOAD_LIMIT)
    if (disturbed.length > 0) {
      const worst = Math.max(...disturbed.map((window) => window.server.otherCores))
      warnings.push(
        `${run.id}: WARNING other processes used up to ${worst.toFixed(2)} cores during ` +
          `${disturbed.length} measured window(s) (marked ?): rerun on a quiet machine`,
      )
    }
  }
  return warnings
}

function rates(steps: readonly { load: { ratePerSecond: number } }[]): string {
  return `${steps.map((step) => step.load.ratePerSecond).join(', ')}/s`
}
