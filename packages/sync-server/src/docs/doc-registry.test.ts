import pino from 'pino'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SyncError } from '../errors.ts'
import { createSyncMetrics } from '../metrics.ts'
import type { DocStore, StoredDoc } from '../storage/types.ts'
import { DocRegistry } from './doc-registry.ts'
import type { DocPeer, SharedDoc } from './shared-doc.ts'

/** A store whose loads the test settles, one at a time, in call order. */
function fakeStore() {
  const loads: Array<{
    name: string
    resolve: (stored: StoredDoc) => void
    reject: (error: Error) => void
  }> = []
  const unused = async (): Promise<never> => {
    throw new Error('not used by the registry')
  }
  const store: DocStore = {
    kind: 'sqlite',
    migrate: unused,
    load(name) {
      return new Promise((resolve, reject) => loads.push({ name, resolve, reject }))
    },
    append: unused,
    logStats: unused,
    totalLogRows: unused,
    compact: unused,
    fenceOf: unused,
    deleteDoc: unused,
    ping: unused,
    close: unused,
  }
  return { store, loads }
}

function setup() {
  const { store, loads } = fakeStore()
  const metrics = createSyncMetrics({ pendingBytes: () => 0, logRows: async () => 0 })
  const wired: SharedDoc[] = []
  const registry = new DocRegistry({
    store,
    logger: pino({ level: 'silent' }),
    metrics,
    onLoaded: (doc) => wired.push(doc),
  })
  return { registry, loads, metrics, wired }
}

/** A stored doc with one edit by `clientID`, as snapshot or as a log row. */
function storedEdit(clientID: number, asSnapshot = true): StoredDoc {
  const doc = new Y.Doc()
  doc.clientID = clientID
  doc.getMap('meta').set('title', `by ${clientID}`)
  const update = Y.encodeStateAsUpdate(doc)
  return asSnapshot ? { snapshot: update, updates: [] } : { snapshot: null, updates: [update] }
}

async function counter(metric: { get(): Promise<{ values: Array<{ value: number }> }> }) {
  return (await metric.get()).values[0]?.value ?? 0
}

const peer: DocPeer = { id: 'peer', send: () => {} }
const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('DocRegistry', () => {
  it('loads a doc once however many acquire it while it loads', async () => {
    const { registry, loads, metrics, wired } = setup()
    const acquiring = Array.from({ length: 10 }, () => registry.acquire('calendar:a'))
    await tick()
    expect(loads).toHaveLength(1)
    loads[0]?.resolve(storedEdit(7))
    const docs = await Promise.all(acquiring)
    expect(new Set(docs).size).toBe(1)
    expect(docs[0]?.pins).toBe(10)
    expect(docs[0]?.state.stateOf(7)).toBe(1)
    expect(wired).toHaveLength(1)
    expect(registry.size).toBe(1)
    expect(await counter(metrics.docLoads)).toBe(1)
    // A loaded doc is served from memory.
    expect(await registry.acquire('calendar:a')).toBe(docs[0])
    expect(loads).toHaveLength(1)
  })

  it('does not cache a failed load: every waiter fails, the next acquire loads again', async () => {
    const { registry, loads, metrics, wired } = setup()
    const acquiring = [registry.acquire('calendar:a'), registry.acquire('calendar:a')]
    await tick()
    loads[0]?.reject(new Error('connection refused'))
    for (const result of await Promise.allSettled(acquiring)) {
      expect(result.status).toBe('rejected')
      const reason = (result as PromiseRejectedResult).reason
      expect(reason).toBeInstanceOf(SyncError)
      expect((reason as SyncError).code).toBe('doc_unavailable')
    }
    expect(registry.size).toBe(0)
    expect(registry.get('calendar:a')).toBeUndefined()
    expect(wired).toHaveLength(0)
    expect(await counter(metrics.docLoadFailures)).toBe(1)

    const retry = registry.acquire('calendar:a')
    await tick()
    expect(loads).toHaveLength(2)
    loads[1]?.resolve(storedEdit(8, false))
    expect((await retry).state.stateOf(8)).toBe(1)
    expect(registry.size).toBe(1)
  })

  it('refuses stored bytes that do not decode, and retries them next time', async () => {
    const { registry, loads } = setup()
    const first = registry.acquire('calendar:a')
    await tick()
    loads[0]?.resolve({ snapshot: null, updates: [new Uint8Array([0xff, 0xff, 0xff])] })
    await expect(first).rejects.toMatchObject({ code: 'doc_unavailable' })
    expect(registry.size).toBe(0)
    const second = registry.acquire('calendar:a')
    await tick()
    expect(loads).toHaveLength(2)
    loads[1]?.reject(new Error('stop'))
    await expect(second).rejects.toBeInstanceOf(SyncError)
  })

  it('unloads only once no pin, no connection and no pending write holds the doc', async () => {
    const { registry, loads, metrics } = setup()
    const acquiring = [registry.acquire('calendar:a'), registry.acquire('calendar:a')]
    await tick()
    loads[0]?.resolve(storedEdit(1))
    const [doc] = (await Promise.all(acquiring)) as [SharedDoc, SharedDoc]

    registry.release(doc)
    expect(registry.get('calendar:a')).toBe(doc) // one pin left
    doc.peers.set(peer, new Set())
    registry.release(doc)
    expect(registry.get('calendar:a')).toBe(doc) // a connection

    const seq = doc.nextSeq() // an update waiting for storage
    doc.peers.delete(peer)
    registry.unloadIfIdle(doc)
    expect(registry.get('calendar:a')).toBe(doc)

    doc.markDurable(seq)
    registry.unloadIfIdle(doc)
    expect(registry.get('calendar:a')).toBeUndefined()
    expect(registry.size).toBe(0)
    expect(await counter(metrics.loadedDocs)).toBe(0)
  })

  it('ignores a stale doc object once the name was loaded again', async () => {
    const { registry, loads } = setup()
    const first = registry.acquire('calendar:a')
    await tick()
    loads[0]?.resolve(storedEdit(1))
    const old = await first
    registry.release(old)
    expect(registry.size).toBe(0)

    const second = registry.acquire('calendar:a')
    await tick()
    loads[1]?.resolve(storedEdit(2))
    const fresh = await second
    expect(fresh).not.toBe(old)
    registry.unloadIfIdle(old)
    expect(registry.get('calendar:a')).toBe(fresh)
  })
})
