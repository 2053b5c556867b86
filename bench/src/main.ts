// `npm run bench`: starts each server in turn, runs the scenarios against it, prints the tables.
import { fileURLToPath } from 'node:url'
import { type CliOptions, parseCliOptions, USAGE } from './cli-options.ts'
import { type ClusterResult, runClusterBench } from './cluster/cluster-scenario.ts'
import { PROFILES } from './profiles.ts'
import { formatClusterReport } from './report/cluster-table.ts'
import { writeResultsFile } from './report/results-file.ts'
import { formatReport } from './report/scenario-tables.ts'
import { collectWarnings } from './report/warnings.ts'
import { runServer, type ServerRun } from './run-server.ts'
import { TARGETS } from './servers/targets.ts'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const resultsPath = fileURLToPath(new URL('../results/latest.json', import.meta.url))
// Past the budget, this much longer before the run is aborted outright.
const HARD_STOP_GRACE_MS = 3 * 60_000

const options = parseOptionsOrExit(process.argv.slice(2))
if (options.help) {
  console.log(USAGE)
  process.exit(0)
}
const profile = options.quick ? PROFILES.quick : PROFILES.full
const startedAt = performance.now()
const deadline = startedAt + profile.budgetMs
const log = (message: string) => {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)
  console.error(`${seconds}s ${message}`)
}
const watchdog = setTimeout(() => {
  console.error('bench: over its time budget; aborting')
  process.exit(2)
}, profile.budgetMs + HARD_STOP_GRACE_MS)
watchdog.unref()

log(
  `${profile.name} run against ${[...options.servers, ...(options.cluster ? ['cluster'] : [])].join(', ')}`,
)
const runs: ServerRun[] = []
for (const id of options.servers) {
  runs.push(await runServer(TARGETS[id], { repoRoot, profile, deadline, log }))
}
let cluster: ClusterResult | undefined
if (options.cluster) {
  log('cluster: 1 vs 3 instances on Postgres and Redis')
  cluster = await runClusterBench({ repoRoot, profile, log: (m) => log(`[cluster] ${m}`) })
}

if (runs.length > 0) console.log(`\n${formatReport(runs)}\n`)
if (cluster) console.log(`\n${formatClusterReport(cluster)}\n`)
for (const warning of collectWarnings(runs)) console.log(warning)
await writeResultsFile(resultsPath, profile, runs, cluster)
console.log(`raw results: ${resultsPath}`)
clearTimeout(watchdog)

function parseOptionsOrExit(args: readonly string[]): CliOptions {
  try {
    return parseCliOptions(args)
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(2)
  }
}
