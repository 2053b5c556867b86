// Redis pub/sub (ioredis) for a cluster: one connection publishes, a
// dedicated one subscribes (a subscribed Redis connection can do nothing
// else). ioredis reconnects on its own and re-subscribes every channel after
// a reconnect (autoResubscribe); messages published while a subscriber was
// disconnected are lost, which is why users of this seam must tolerate loss.
import { Redis } from 'ioredis'
import type { MessageHandler, PubSub } from './types.ts'

export interface RedisPubSubOptions {
  url: string
  /** Connection errors while Redis is away (ioredis keeps retrying). */
  onError?: (error: Error) => void
  onHandlerError?: (error: unknown) => void
  /** How long publish and ping wait for a connection before rejecting. */
  readyTimeoutMs?: number
}

export function createRedisPubSub(options: RedisPubSubOptions): PubSub {
  // Publishing fails fast while Redis is down instead of queueing without
  // bound: the caller (an outbox, a relay) decides how to retry.
  const publisher = new Redis(options.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
  const subscriber = new Redis(options.url, { autoResubscribe: true, maxRetriesPerRequest: null })
  for (const connection of [publisher, subscriber]) {
    connection.on('error', (error: Error) => options.onError?.(error))
  }
  const channels = new Map<string, Set<MessageHandler>>()
  subscriber.on('message', (channel: string, message: string) => {
    for (const handler of [...(channels.get(channel) ?? [])]) {
      try {
        handler(message)
      } catch (error) {
        options.onHandlerError?.(error)
      }
    }
  })
  let closed = false
  const ready = (connection: Redis) =>
    connection.status === 'ready'
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error('redis is not reachable')),
            options.readyTimeoutMs ?? 5_000,
          )
          connection.once('ready', () => {
            clearTimeout(timer)
            resolve()
          })
        })

  return {
    kind: 'redis',
    async publish(channel, message) {
      if (closed) throw new Error('pub/sub is closed')
      await ready(publisher)
      await publisher.publish(channel, message)
    },
    async subscribe(channel, handler) {
      if (closed) throw new Error('pub/sub is closed')
      let handlers = channels.get(channel)
      if (!handlers) {
        handlers = new Set()
        channels.set(channel, handlers)
        await subscriber.subscribe(channel)
      }
      const subscription: MessageHandler = (message) => handler(message)
      handlers.add(subscription)
      return async () => {
        handlers.delete(subscription)
        if (handlers.size === 0 && channels.get(channel) === handlers) {
          channels.delete(channel)
          if (!closed) await subscriber.unsubscribe(channel)
        }
      }
    },
    async ping() {
      await ready(publisher)
      await publisher.ping()
    },
    async close() {
      if (closed) return
      closed = true
      channels.clear()
      publisher.disconnect()
      subscriber.disconnect()
    },
  }
}
