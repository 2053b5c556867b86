// Parses the bench's command-line flags: --quick, --only=ours,ywebsocket,hocuspocus, --help.
import { SERVER_IDS, type ServerId } from './servers/targets.ts'

export interface CliOptions {
  quick: boolean
  servers: ServerId[]
  help: boolean
}

export const USAGE = `usage: npm run bench -- [--quick] [--only=${SERVER_IDS.join(',')}]
  --quick   a short smoke run (~1-2 minutes); the default full run takes up to ~10 minutes
  --only    a comma-separated subset of the servers, in the order given`

export function parseCliOptions(args: readonly string[]): CliOptions {
  const options: CliOptions = { quick: false, servers: [...SERVER_IDS], help: false }
  for (const arg of args) {
    if (arg === '--quick') options.quick = true
    else if (arg === '--help' || arg === '-h') options.help = true
    else if (arg.startsWith('--only=')) options.servers = parseServers(arg.slice('--only='.length))
    else throw new Error(`unknown argument ${arg}\n${USAGE}`)
  }
  return options
}

function parseServers(list: string): ServerId[] {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  const unknown = names.filter((name) => !(SERVER_IDS as readonly string[]).includes(name))
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--only takes ${SERVER_IDS.join(', ')}; got ${unknown.join(', ') || 'nothing'}`)
  }
  return [...new Set(names as ServerId[])]
}
