// The runner's side of the load worker: spawns the process and sends it typed commands.
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type {
  CloseCommand,
  ConnectCommand,
  ConnectResult,
  LoadCommand,
  LoadResult,
  WorkerCommand,
  WorkerRequest,
  WorkerResponse,
} from './worker-protocol.ts'

type ResultOf<C extends WorkerCommand> = C extends ConnectCommand
  ? ConnectResult
  : C extends LoadCommand
    ? LoadResult
    : C extends CloseCommand
      ? undefined
      : never

export interface LoadWorker {
  readonly pid: number
  run<C extends WorkerCommand>(command: C): Promise<ResultOf<C>>
  stop(): Promise<void>
}

interface Pending {
  resolve(result: unknown): void
  reject(error: Error): void
}

const WORKER_ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url))

export function startLoadWorker(): LoadWorker {
  // execArgv is cleared so the worker does not inherit `--conditions=source`;
  // it needs no workspace package, only yjs, ws and lib0.
  const child: ChildProcess = fork(WORKER_ENTRY, [], { execArgv: [], stdio: 'inherit' })
  const pending = new Map<number, Pending>()
  let nextId = 1
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  child.on('message', (response: WorkerResponse) => {
    const waiter = pending.get(response.id)
    pending.delete(response.id)
    if (waiter === undefined) return
    if (response.ok) waiter.resolve(response.result)
    else waiter.reject(new Error(response.error))
  })
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`the load worker exited (code ${code}, signal ${signal})`))
    }
    pending.clear()
  })

  return {
    pid: child.pid ?? 0,
    run<C extends WorkerCommand>(command: C) {
      return new Promise<ResultOf<C>>((resolve, reject) => {
        const id = nextId++
        pending.set(id, { resolve: (result) => resolve(result as ResultOf<C>), reject })
        const request: WorkerRequest = { id, command }
        child.send(request, (error) => {
          if (error === null) return
          pending.delete(id)
          reject(error)
        })
      })
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.disconnect()
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}
