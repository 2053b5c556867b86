// Writes the raw results of a run as JSON, for later comparison (bench/results/ is git-ignored).
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { dirname } from 'node:path'
import type { ClusterResult } from '../cluster/cluster-scenario.ts'
import type { Profile } from '../profiles.ts'
import type { ServerRun } from '../run-server.ts'

export async function writeResultsFile(
  path: string,
  profile: Profile,
  runs: readonly ServerRun[],
  cluster?: ClusterResult,
): Promise<void> {
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
  }
  const document = { finishedAt: new Date().toISOString(), machine, profile, runs, cluster }
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${JSON.stringify(document, null, 2)}\n`)
}
