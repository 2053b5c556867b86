// One behaviour suite for every PubSub implementation.
import { afterEach, describe, expect, it } from 'vitest'
import type { PubSub } from './types.ts'

async function eventually(check: () => void, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      check()
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
}

/** A short pause to show that something does NOT arrive. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100))

export function describePubSub(name: string, create: () => Promise<PubSub> | PubSub): void {
  describe(`PubSub: ${name}`, () => {
    const opened: PubSub[] = []
    const open = async () => {
      const pubsub = await create()
      opened.push(pubsub)
      return pubsub
    }
    afterEach(async () => {
      for (const pubsub of opened.splice(0)) await pubsub.close()
    })

    it('delivers to every subscriber of a channel and to no other channel', async () => {
      const pubsub = await open()
      const a: string[] = []
      const b: string[] = []
      const other: string[] = []
      await pubsub.subscribe('t:one', (m) => a.push(m))
      await pubsub.subscribe('t:one', (m) => b.push(m))
      await pubsub.subscribe('t:two', (m) => other.push(m))
      await pubsub.publish('t:one', 'hello')
      await eventually(() => expect([a, b]).toEqual([['hello'], ['hello']]))
      await settle()
      expect(other).toEqual([])
    })

    it('stops delivering after unsubscribe, to that handler only', async () => {
      const pubsub = await open()
      const kept: string[] = []
      const dropped: string[] = []
      await pubsub.subscribe('t:unsub', (m) => kept.push(m))
      const unsubscribe = await pubsub.subscribe('t:unsub', (m) => dropped.push(m))
      await unsubscribe()
      await pubsub.publish('t:unsub', 'x')
      await eventually(() => expect(kept).toEqual(['x']))
      expect(dropped).toEqual([])
    })

    it('keeps delivering to others when one handler throws', async () => {
      const pubsub = await open()
      const got: string[] = []
      await pubsub.subscribe('t:throw', () => {
        throw new Error('handler bug')
      })
      await pubsub.subscribe('t:throw', (m) => got.push(m))
      await pubsub.publish('t:throw', '1')
      await pubsub.publish('t:throw', '2')
      await eventually(() => expect(got).toEqual(['1', '2']))
    })

    it('carries UTF-8 and a 1 MiB message intact, in order', async () => {
      const pubsub = await open()
      const got: string[] = []
      await pubsub.subscribe('t:big', (m) => got.push(m))
      const big = 'ü€😀'.repeat(128 * 1024)
      await pubsub.publish('t:big', 'first 🗓')
      await pubsub.publish('t:big', big)
      await eventually(() => expect(got.length).toBe(2))
      expect(got[0]).toBe('first 🗓')
      expect(got[1] === big).toBe(true)
    })

    it('answers ping, and refuses to publish or subscribe after close', async () => {
      const pubsub = await open()
      await expect(pubsub.ping()).resolves.toBeUndefined()
      await pubsub.close()
      await expect(pubsub.publish('t:closed', 'x')).rejects.toThrow(/closed/)
      await expect(pubsub.subscribe('t:closed', () => {})).rejects.toThrow(/closed/)
    })
  })
}
