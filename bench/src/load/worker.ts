// The load generator process: runs the runner's commands over IPC, one at a time.
// Started by worker-handle.ts as `node bench/src/load/worker.ts`; only ever
// targets the URLs the runner sends, which are all on 127.0.0.1.
import { connectClients } from './connect-clients.ts'
import { createDeliveryTracker } from './delivery-tracker.ts'
import { driveLoad } from './drive-load.ts'
import type { SimClient } from './sim-client.ts'
import type { WorkerCommand, WorkerRequest, WorkerResponse } from './worker-protocol.ts'

const tracker = createDeliveryTracker()
const groups = new Map<string, SimClient[]>()

async function run(command: WorkerCommand): Promise<unknown> {
  switch (command.type) {
    case 'connect': {
      if (!command.endpoints.every((endpoint) => isLoopback(endpoint.url))) {
        throw new Error('the load worker only connects to 127.0.0.1')
      }
      const { clients, result } = await connectClients(command, tracker)
      groups.set(command.group, [...(groups.get(command.group) ?? []), ...clients])
      return result
    }
    case 'load':
      return driveLoad(command, groups.get(command.group) ?? [], tracker)
    case 'close': {
      const names = command.group === undefined ? [...groups.keys()] : [command.group]
      const closing = names.flatMap((name) => groups.get(name) ?? [])
      for (const name of names) groups.delete(name)
      await Promise.all(closing.map((client) => client.close()))
      return undefined
    }
  }
}

function isLoopback(url: string): boolean {
  return new URL(url).hostname === '127.0.0.1'
}

function reply(response: WorkerResponse): void {
  process.send?.(response)
}

if (process.send === undefined) {
  console.error('worker.ts is started by the bench runner with an IPC channel')
  process.exit(1)
}

process.on('message', (request: WorkerRequest) => {
  run(request.command).then(
    (result) => reply({ id: request.id, ok: true, result }),
    (error: unknown) =>
      reply({
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      }),
  )
})
// The runner's exit closes the channel; leave with it.
process.on('disconnect', () => process.exit(0))
