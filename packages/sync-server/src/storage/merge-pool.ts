// A MergeFunction backed by one worker thread, so that merging a large
// snapshot never stalls relaying. A crashed worker fails its pending merges
// (the compaction is simply retried later) and is replaced on the next call.
import { Worker } from 'node:worker_threads'
import { DEFAULT_GC_ABOVE_BYTES, type MergeFunction } from './merge.ts'

export interface MergeWorker {
  merge: MergeFunction
  close(): Promise<void>
}

// Sources run as .ts (type stripping), the build as .js: load the sibling.
const workerUrl = new URL(
  `./merge-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
)

export function createMergeWorker(options: { gcAboveBytes?: number } = {}): MergeWorker {
  const gcAboveBytes = options.gcAboveBytes ?? DEFAULT_GC_ABOVE_BYTES
  let worker: Worker | undefined
  let nextId = 0
  const pending = new Map<
    number,
    { resolve: (merged: Uint8Array) => void; reject: (error: Error) => void }
  >()

  function failAll(error: Error): void {
    for (const { reject } of pending.values()) reject(error)
    pending.clear()
    worker = undefined
  }

  function start(): Worker {
    const started = new Worker(workerUrl)
    started.unref()
    started.on('message', (reply: { id: number; merged?: Uint8Array; error?: string }) => {
      const waiter = pending.get(reply.id)
      if (!waiter) return
      pending.delete(reply.id)
      if (reply.merged) waiter.resolve(new Uint8Array(reply.merged))
      else waiter.reject(new Error(`merge failed: ${reply.error}`))
    })
    started.on('error', (error) => failAll(error))
    started.on('exit', (code) => failAll(new Error(`merge worker exited with ${code}`)))
    return started
  }

  return {
    merge(updates) {
      worker ??= start()
      const id = nextId++
      const target = worker
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        target.postMessage({ id, updates, gcAboveBytes })
      })
    },
    async close() {
      const running = worker
      worker = undefined
      failAll(new Error('merge worker closed'))
      await running?.terminate()
    },
  }
}
