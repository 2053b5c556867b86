import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { type CommitEntry, GroupCommitter } from './group-committer.ts'
import { createSyncMetrics } from './metrics.ts'
import type { AppendEntry, DocStore } from './storage/types.ts'

interface Deferred {
  promise: Promise<void>
  resolve: () => void
  reject: (error: Error) => void
}

function deferred(): Deferred {
  let resolve = () => {}
  let reject: (error: Error) => void = () => {}
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** A store whose appends wait until the test settles them, one gate per call. */
function gatedStore() {
  const appends: AppendEntry[][] = []
  const gates: Deferred[] = []
  const unused = async (): Promise<never> => {
    throw new Error('not used by the committer')
  }
  const store: DocStore = {
    kind: 'sqlite',
    migrate: unused,
    load: unused,
    append(entries) {
      appends.push([...entries])
      const gate = deferred()
      gates.push(gate)
      return gate.promise
    },
    logStats: unused,
    totalLogRows: unused,
    compact: unused,
    fenceOf: unused,
    deleteDoc: unused,
    ping: unused,
    close: unused,
  }
  return { store, appends, gates }
}

function setup(windowMs = 0) {
  const { store, appends, gates } = gatedStore()
  const committed: CommitEntry<string>[][] = []
  const metrics = createSyncMetrics({ pendingBytes: () => 0, logRows: async () => 0 })
  const committer = new GroupCommitter<string>({
    store,
    windowMs,
    logger: pino({ level: 'silent' }),
    metrics,
    onCommitted: (batch) => committed.push(batch),
  })
  return { committer, appends, gates, committed, metrics }
}

let nextSeq = 0
function entry(doc: string, bytes = 1): CommitEntry<string> {
  nextSeq += 1
  return {
    doc,
    docName: doc,
    update: new Uint8Array(bytes).fill(nextSeq % 256),
    seq: nextSeq,
    origin: undefined,
    receivedAt: 0,
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

describe('GroupCommitter', () => {
  it('commits everything that arrived during a commit in one append, across docs', async () => {
    const { committer, appends, gates, committed } = setup()
    const first = entry('a')
    committer.enqueue(first)
    await until(() => appends.length === 1, 'first append')
    const during = [entry('a'), entry('b'), entry('a')]
    for (const e of during) committer.enqueue(e)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(appends).toHaveLength(1)

    gates[0]?.resolve()
    await until(() => appends.length === 2, 'second append')
    expect(appends[1]).toEqual(during)
    expect(appends[1]?.[0]).toBe(during[0])
    gates[1]?.resolve()
    await committer.flush()
    expect(committed).toEqual([[first], during])
    expect(appends).toHaveLength(2)
  })

  it('collects updates for the commit window before the first append', async () => {
    const { committer, appends, gates } = setup(30)
    const entries = [entry('a'), entry('b')]
    committer.enqueue(entries[0] as CommitEntry<string>)
    await new Promise((resolve) => setTimeout(resolve, 5))
    committer.enqueue(entries[1] as CommitEntry<string>)
    await until(() => appends.length === 1, 'append')
    expect(appends[0]).toEqual(entries)
    gates[0]?.resolve()
    await committer.flush()
  })

  it('retries a failing append with the same entries first, in order, losing nothing', async () => {
    const { committer, appends, gates, committed, metrics } = setup()
    const batch = [entry('a'), entry('b')]
    for (const e of batch) committer.enqueue(e)
    await until(() => appends.length === 1, 'first attempt')
    const later = entry('a')
    committer.enqueue(later)
    gates[0]?.reject(new Error('disk full'))
    await until(() => appends.length === 2, 'retry')
    expect(committer.healthy).toBe(false)
    expect(committed).toEqual([])
    // The retry carries the failed batch first, then what arrived meanwhile.
    expect(appends[1]).toEqual([...batch, later])
    gates[1]?.reject(new Error('still full'))
    await until(() => appends.length === 3, 'second retry')
    expect(appends[2]).toEqual([...batch, later])
    gates[2]?.resolve()
    await committer.flush()
    expect(committed).toEqual([[...batch, later]])
    expect(committer.healthy).toBe(true)
    expect((await metrics.commitFailures.get()).values[0]?.value).toBe(2)
  })

  it('resolves flush only once everything enqueued before it is durable', async () => {
    const { committer, appends, gates, committed } = setup()
    await committer.flush() // idle: at once
    committer.enqueue(entry('a'))
    let flushed = false
    const flushing = committer.flush().then(() => {
      flushed = true
    })
    await until(() => appends.length === 1, 'append')
    committer.enqueue(entry('a'))
    gates[0]?.resolve()
    await until(() => appends.length === 2, 'second append')
    expect(flushed).toBe(false)
    gates[1]?.reject(new Error('transient'))
    await until(() => appends.length === 3, 'retry')
    expect(flushed).toBe(false)
    gates[2]?.resolve()
    await flushing
    expect(committed.flat()).toHaveLength(2)
  })

  it('counts bytes as pending until their commit succeeded', async () => {
    const { committer, appends, gates } = setup()
    committer.enqueue(entry('a', 10))
    committer.enqueue(entry('b', 20))
    expect(committer.pendingBytes).toBe(30)
    await until(() => appends.length === 1, 'append')
    committer.enqueue(entry('a', 5))
    expect(committer.pendingBytes).toBe(35)
    gates[0]?.reject(new Error('fails'))
    await until(() => appends.length === 2, 'retry')
    expect(committer.pendingBytes).toBe(35)
    gates[1]?.resolve()
    await committer.flush()
    expect(committer.pendingBytes).toBe(0)
  })

  it('keeps committing when the post-commit callback throws', async () => {
    const { store, appends, gates } = gatedStore()
    const seen: number[] = []
    const committer = new GroupCommitter<string>({
      store,
      windowMs: 0,
      logger: pino({ level: 'silent' }),
      metrics: createSyncMetrics({ pendingBytes: () => 0, logRows: async () => 0 }),
      onCommitted: (batch) => {
        seen.push(batch.length)
        throw new Error('relay bug')
      },
    })
    committer.enqueue(entry('a'))
    await until(() => appends.length === 1, 'append')
    committer.enqueue(entry('a'))
    gates[0]?.resolve()
    await until(() => appends.length === 2, 'second append')
    gates[1]?.resolve()
    await committer.flush()
    expect(seen).toEqual([1, 1])
    expect(committer.pendingBytes).toBe(0)
  })
})
