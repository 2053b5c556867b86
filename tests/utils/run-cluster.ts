// The entry of scripts/cluster: the cluster topology of docker-compose.yml
// as plain processes on loopback, for people (the fault suites start the
// same through utils/cluster.ts). Postgres, Redis with AOF, the auth API,
// N sync servers, the notifier, the web app and nginx with the shipped configs; all in
// temp folders, all stopped and removed on Ctrl-C. Logs go to files.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startCluster, type TestCluster } from './cluster.ts'

const repoRoot = path.resolve(import.meta.dirname, '../..')

const { values } = parseArgs({
  options: {
    instances: { type: 'string', default: process.env.PLANSYNC_CLUSTER_INSTANCES ?? '3' },
    port: { type: 'string', default: process.env.PLANSYNC_CLUSTER_PORT ?? '8000' },
    logs: { type: 'string', default: path.join(repoRoot, '.tmp/cluster-logs') },
  },
})
const instances = Number(values.instances)
const port = Number(values.port)
if (!Number.isInteger(instances) || instances < 1 || instances > 16) {
  fail('--instances must be a whole number from 1 to 16')
}
if (!Number.isInteger(port) || port < 1 || port > 65535) fail('--port must be a port number')
const logDir = path.resolve(values.logs)
mkdirSync(logDir, { recursive: true })

const files: WriteStream[] = []
/** Every line to <logs>/<name>.log; warnings and errors also to the terminal. */
function output(name: string) {
  const file = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'w' })
  files.push(file)
  return {
    keepLogs: false,
    onOutput(text: string, stream: 'stdout' | 'stderr') {
      file.write(stream === 'stdout' ? `${text}\n` : text)
      if (stream === 'stdout' && /"level":(4|5|6)\d/.test(text)) {
        const entry = JSON.parse(text) as { msg?: string; err?: { message?: string } }
        const detail = entry.err?.message ? `: ${entry.err.message}` : ''
        process.stderr.write(`[${name}] ${entry.msg ?? text}${detail}\n`)
      }
    },
  }
}

function fail(message: string): never {
  process.stderr.write(`plansync cluster: ${message}\n`)
  process.exit(2)
}

process.stderr.write(`plansync cluster: starting ${instances} sync servers (logs in ${logDir})\n`)
let cluster: TestCluster | undefined
let stopping = false
async function stop(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  process.stderr.write(`\nplansync cluster: ${signal}, stopping everything\n`)
  await cluster?.stop().catch((error: unknown) => {
    process.stderr.write(`plansync cluster: stop failed: ${String(error)}\n`)
  })
  for (const file of files) file.end()
  process.exit(0)
}
// A closed terminal or pipe must not stop the clean-up half way.
process.stderr.on('error', () => {})
// Ctrl-C reaches the children too (one process group): they stop cleanly on
// their own, and stop() removes what is left.
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))

try {
  cluster = await startCluster({
    instances,
    proxyPort: port,
    withAuth: true,
    withNotifier: true,
    withWeb: true,
    // The services' own default: how long a frozen instance blocks compaction and seats.
    leaseTtlMs: 10_000,
    output,
  })
} catch (error) {
  fail(`could not start: ${(error as Error).message}`)
}

const { nginx, instances: servers, auth, notifier, web, postgres, redis } = cluster
const lines = [
  '',
  `plansync (cluster) is running: open ${nginx.url}`,
  `  web app       ${nginx.url}/   (static, from ${web?.url})`,
  `  auth API      ${nginx.url}/auth/   (OpenAPI: ${nginx.url}/auth/openapi.json)`,
  `  sync          ${nginx.syncUrl.replace('/sync', '')}/sync/<doc>   (routed by doc name)`,
  `  iCal feeds    ${nginx.url}/feeds/<secret>.ics`,
  '',
  'processes:',
  ...servers.map(
    (server, i) =>
      `  sync-${i + 1}  pid ${server.child.pid}  ${server.url}  (/metrics, /cluster?doc=)`,
  ),
  `  auth-api  pid ${auth?.child.pid}  ${auth?.url}`,
  `  notifier  pid ${notifier?.child.pid}  ${notifier?.url}`,
  `  postgres  ${postgres.url}`,
  `  redis     ${redis.url}`,
  '',
  'Kill a sync server (kill -9 <pid>): its clients reconnect through nginx to another.',
  'Ctrl-C stops everything and deletes its data.',
  '',
]
process.stderr.write(`${lines.join('\n')}\n`)
