// Parses the bench's command-line flags: --quick, --only=ours,ywebsocket,hocuspocus,cluster, --help.
import { SERVER_IDS, type ServerId } from './servers/targets.ts'

export interface CliOptions {
  quick: boolean
  servers: ServerId[]
  /** The 1-vs-3-instances comparison on Postgres and Redis. */
  cluster: boolean
  help: boolean
}

const CHOICES = [...SERVER_IDS, 'cluster']

export const USAGE = `usage: npm run bench -- [--quick] [--only=${CHOICES.join(',')}]
  --quick   a short smoke run (~2 minutes); the default full run takes up to ~12 minutes
  --only    a comma-separated subset of the servers (and the cluster comparison), in the order given`

export function parseCliOptions(args: readonly string[]): CliOptions {
  const options: CliOptions = { quick: false, servers: [...SERVER_IDS], cluster: true, help: false }
  for (const arg of args) {
    if (arg === '--quick') options.quick = true
    else if (arg === '--help' || arg === '-h') options.help = true
    else if (arg.startsWith('--only=')) {
      const chosen = parseChoices(arg.slice('--only='.length))
      options.cluster = chosen.includes('cluster')
      options.servers = chosen.filter((name): name is ServerId => name !== 'cluster')
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`)
  }
  return options
}

function parseChoices(list: string): string[] {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  const unknown = names.filter((name) => !CHOICES.includes(name))
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes ${CHOICES.join(', ')}; got ${unknown.join(', ') || 'nothing'}`)
  }
  return [...new Set(names)]
}
