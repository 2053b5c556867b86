// The relay on Redis Streams. Docs hash into a fixed number of partitions,
// one stream each; every instance reads all partitions and keeps the entries
// of the docs it holds. A Lua script numbers each partition's entries with a
// counter as it appends them, so a reader notices a gap (entries trimmed
// before it read them, Redis restarted without them) and asks for a resync of
// that partition's docs from storage. Publishing goes through a bounded
// queue: while Redis is away it waits and retries; if the queue overflows,
// the dropped docs are announced with a resync marker once Redis is back.
import { createHash } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Relay, RelayHandlers } from './relay.ts'

export interface RedisRelayOptions {
  url: string
  instanceId: string
  logger: Logger
  partitions?: number
  /** Entries kept per partition stream (approximately). */
  maxLength?: number
  /** Bytes of updates the publish queue holds while Redis is away. */
  maxQueuedBytes?: number
  prefix?: string
}

// KEYS: stream, counter. ARGV: maxlen, kind, doc, origin, payload.
const APPEND = `
local n = redis.call('incr', KEYS[2])
return redis.call('xadd', KEYS[1], 'maxlen', '~', ARGV[1], '*',
  'n', n, 'k', ARGV[2], 'd', ARGV[3], 'o', ARGV[4], 'u', ARGV[5])`

const BATCH = 256
const READ_COUNT = 512
const BLOCK_MS = 1_000
const RETRY_MS = { min: 100, max: 2_000 }

interface Queued {
  docName: string
  kind: 'u' | 'r'
  update: Uint8Array
}

type RelayRedis = Redis & {
  relayAppend(
    stream: string,
    counter: string,
    maxLength: number,
    kind: string,
    docName: string,
    origin: string,
    payload: Buffer,
  ): Promise<string>
}

export function createRedisRelay(options: RedisRelayOptions): Relay {
  const partitions = options.partitions ?? 16
  const maxLength = options.maxLength ?? 10_000
  const maxQueuedBytes = options.maxQueuedBytes ?? 32 * 1024 * 1024
  const prefix = options.prefix ?? 'plansync:relay:'
  const { instanceId, logger } = options
  const streamOf = (p: number) => `${prefix}${p}`
  const counterOf = (p: number) => `${prefix}${p}:n`
  const partitionOf = (docName: string) =>
    createHash('sha1').update(docName).digest().readUInt32BE(0) % partitions

  // Both fail their commands as soon as the connection drops (ioredis would
  // otherwise keep them, or, for a resent blocking read, its stale cursors):
  // the publish queue and the read loop below do the waiting and retrying.
  const failFast = { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false }
  const writer = new Redis(options.url, { ...failFast, enableOfflineQueue: false }) as RelayRedis
  writer.defineCommand('relayAppend', { numberOfKeys: 2, lua: APPEND })
  const reader = new Redis(options.url, failFast)
  for (const connection of [writer, reader]) {
    connection.on('error', (error: Error) => logger.debug({ err: error }, 'relay redis error'))
  }

  let handlers: RelayHandlers | undefined
  let closed = false
  const queue: Queued[] = []
  let queuedBytes = 0
  const dropped = new Set<string>()
  let flushing: Promise<void> | undefined
  let retryDelay = RETRY_MS.min
  let reading: Promise<void> | undefined

  function enqueue(entry: Queued): void {
    queue.push(entry)
    queuedBytes += entry.update.byteLength
    while (queuedBytes > maxQueuedBytes && queue.length > 0) {
      const oldest = queue.shift() as Queued
      queuedBytes -= oldest.update.byteLength
      dropped.add(oldest.docName)
    }
    flushing ??= flush().finally(() => {
      flushing = undefined
    })
  }

  async function flush(): Promise<void> {
    while (!closed && (queue.length > 0 || dropped.size > 0)) {
      // Resync markers for what overflowed go first: receivers reload those docs from storage.
      for (const docName of dropped) {
        queue.unshift({ docName, kind: 'r', update: new Uint8Array() })
        dropped.delete(docName)
      }
      const batch = queue.slice(0, BATCH)
      const pipeline = writer.pipeline()
      for (const entry of batch) {
        const p = partitionOf(entry.docName)
        ;(pipeline as unknown as RelayRedis).relayAppend(
          streamOf(p),
          counterOf(p),
          maxLength,
          entry.kind,
          entry.docName,
          instanceId,
          Buffer.from(entry.update.buffer, entry.update.byteOffset, entry.update.byteLength),
        )
      }
      const results = await pipeline.exec().catch((error: unknown) => [[error, null]] as const)
      const done = (results ?? []).findIndex(([error]) => error) // entries before the first failure went in
      const sent = done === -1 ? batch.length : done
      for (const entry of queue.splice(0, sent)) queuedBytes -= entry.update.byteLength
      if (sent === batch.length) {
        retryDelay = RETRY_MS.min
        continue
      }
      logger.warn({ queued: queue.length }, 'relay publish failed; retrying')
      await sleep(retryDelay)
      retryDelay = Math.min(RETRY_MS.max, retryDelay * 2)
    }
  }

  /** Where each partition's stream ends now, and its entry count. */
  async function positions(): Promise<{ ids: string[]; counts: number[] }> {
    // One transaction, so no entry lands between a stream's last id and its counter.
    const pipeline = reader.multi()
    for (let p = 0; p < partitions; p++) {
      pipeline.xrevrange(streamOf(p), '+', '-', 'COUNT', 1)
      pipeline.get(counterOf(p))
    }
    const results = (await pipeline.exec()) ?? []
    const ids: string[] = []
    const counts: number[] = []
    for (let p = 0; p < partitions; p++) {
      const [rangeError, range] = results[2 * p] ?? [null, null]
      const [countError, count] = results[2 * p + 1] ?? [null, null]
      if (rangeError || countError) throw rangeError ?? countError
      ids.push((range as [string, string[]][])[0]?.[0] ?? '0-0')
      counts.push(Number(count ?? 0))
    }
    return { ids, counts }
  }

  async function readLoop(start: { ids: string[]; counts: number[] }): Promise<void> {
    let { ids, counts } = start
    const keys = Array.from({ length: partitions }, (_, p) => streamOf(p))
    // Back soon after Redis is: other instances' updates wait for the resync.
    let retryDelay = RETRY_MS.min
    while (!closed) {
      let replies: [Buffer, [Buffer, Buffer[]][]][] | null
      try {
        replies = (await reader.xreadBuffer(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...keys,
          ...ids,
        )) as [Buffer, [Buffer, Buffer[]][]][] | null
      } catch (error) {
        if (closed) return
        if (retryDelay === RETRY_MS.min) {
          logger.warn({ err: error }, 'relay read failed; resyncing once Redis is back')
        }
        await sleep(retryDelay)
        retryDelay = Math.min(RETRY_MS.max, retryDelay * 2)
        try {
          ;({ ids, counts } = await positions())
        } catch {
          continue
        }
        retryDelay = RETRY_MS.min
        // Whatever was published meanwhile may be gone: storage has it.
        handlers?.onResync(null)
        continue
      }
      for (const [key, entries] of replies ?? []) {
        const p = keys.indexOf(key.toString())
        if (p < 0) continue
        for (const [id, fields] of entries) {
          ids[p] = id.toString()
          const entry = parseFields(fields)
          const expected = (counts[p] ?? 0) + 1
          counts[p] = entry.n
          if (entry.n !== expected) {
            logger.warn({ partition: p, expected, got: entry.n }, 'relay gap; resyncing partition')
            handlers?.onResync((docName) => partitionOf(docName) === p)
          }
          deliver(entry)
        }
      }
    }
  }

  function deliver(entry: ReturnType<typeof parseFields>): void {
    if (entry.origin === instanceId || !handlers) return
    try {
      if (entry.kind === 'r') handlers.onResync((docName) => docName === entry.docName)
      else handlers.onUpdate(entry.docName, entry.update)
    } catch (error) {
      // One bad entry costs a resync of its doc, never the relay of the others.
      logger.warn({ err: error, doc: entry.docName }, 'relay entry failed; resyncing its doc')
      handlers.onResync((docName) => docName === entry.docName)
    }
  }

  return {
    async start(h) {
      handlers = h
      if (writer.status !== 'ready') {
        await new Promise<void>((resolve, reject) => {
          writer.once('ready', resolve)
          setTimeout(() => reject(new Error('relay: Redis did not answer in 10 s')), 10_000).unref()
        })
      }
      const start = await positions()
      reading = readLoop(start)
    },
    publish(docName, update) {
      if (!closed) enqueue({ docName, kind: 'u', update })
    },
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs
      while ((queue.length > 0 || flushing) && Date.now() < deadline) await sleep(20)
      return queue.length === 0
    },
    async close() {
      closed = true
      reader.disconnect()
      await reading
      await flushing
      writer.disconnect()
    },
  }
}

function parseFields(fields: Buffer[]): {
  n: number
  kind: string
  docName: string
  origin: string
  update: Uint8Array
} {
  const map = new Map<string, Buffer>()
  for (let i = 0; i + 1 < fields.length; i += 2) {
    map.set((fields[i] as Buffer).toString(), fields[i + 1] as Buffer)
  }
  const update = map.get('u') ?? Buffer.alloc(0)
  return {
    n: Number(map.get('n')?.toString() ?? Number.NaN),
    kind: map.get('k')?.toString() ?? '',
    docName: map.get('d')?.toString() ?? '',
    origin: map.get('o')?.toString() ?? '',
    update: new Uint8Array(update.buffer, update.byteOffset, update.byteLength),
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}
