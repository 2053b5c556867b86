// Worker thread body: merges updates off the event loop (see merge.ts).
// Request: { id, updates: Uint8Array[], gcAboveBytes }; reply: { id, merged } or { id, error }.
import { parentPort } from 'node:worker_threads'
import { mergeForSnapshot } from './merge.ts'

interface MergeRequest {
  id: number
  updates: Uint8Array[]
  gcAboveBytes: number
}

parentPort?.on('message', ({ id, updates, gcAboveBytes }: MergeRequest) => {
  try {
    const merged = mergeForSnapshot(updates, gcAboveBytes)
    parentPort?.postMessage({ id, merged }, [merged.buffer as ArrayBuffer])
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) })
  }
})
