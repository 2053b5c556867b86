// The shared suite on a real Redis, plus what only a network backend has:
// several processes' instances and a Redis restart.
import { expect, inject, it } from 'vitest'
import { startRedis } from '../../../tests/utils/redis.ts'
import { describePubSub } from './pubsub-suite.ts'
import { createRedisPubSub } from './redis.ts'

const url = inject('redisUrl')
describePubSub('redis', () => createRedisPubSub({ url }))

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

it('delivers between separate instances, as between processes', async () => {
  const publisher = createRedisPubSub({ url })
  const subscriber = createRedisPubSub({ url })
  try {
    const got: string[] = []
    await subscriber.subscribe('t:cross', (m) => got.push(m))
    await publisher.publish('t:cross', 'across')
    await waitUntil(() => got.length === 1, 2_000)
    expect(got).toEqual(['across'])
  } finally {
    await Promise.all([publisher.close(), subscriber.close()])
  }
})

it('resubscribes after Redis restarts', async () => {
  const redis = await startRedis()
  const subscriber = createRedisPubSub({ url: redis.url })
  const publisher = createRedisPubSub({ url: redis.url })
  try {
    const got: string[] = []
    await subscriber.subscribe('t:restart', (m) => got.push(m))
    await redis.restart()
    const deadline = Date.now() + 10_000
    // Until both connections are back, publishing may fail: retry the way the outbox does.
    while (!got.includes('after restart')) {
      if (Date.now() > deadline) throw new Error('no delivery after restart')
      await publisher.publish('t:restart', 'after restart').catch(() => {})
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(got).toContain('after restart')
  } finally {
    await Promise.all([subscriber.close(), publisher.close()])
    await redis.stop()
  }
})

it('rejects a publish in bounded time when Redis is unreachable', async () => {
  const redis = await startRedis()
  await redis.stop()
  const errors: Error[] = []
  const pubsub = createRedisPubSub({
    url: redis.url,
    readyTimeoutMs: 300,
    onError: (e) => errors.push(e),
  })
  try {
    const started = Date.now()
    await expect(pubsub.publish('t:down', 'x')).rejects.toThrow(/not reachable/)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(errors.length).toBeGreaterThan(0)
  } finally {
    await pubsub.close()
  }
})
