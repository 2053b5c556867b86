// In-process pub/sub for the embedded single-process mode. Handlers run on a
// later microtask, as they would with a network in between, and a throwing
// handler cannot stop delivery to the others.
import type { MessageHandler, PubSub } from './types.ts'

export function createMemoryPubSub(
  options: { onHandlerError?: (error: unknown) => void } = {},
): PubSub {
  const channels = new Map<string, Set<MessageHandler>>()
  let closed = false
  return {
    kind: 'memory',
    async publish(channel, message) {
      if (closed) throw new Error('pub/sub is closed')
      for (const handler of [...(channels.get(channel) ?? [])]) {
        queueMicrotask(() => {
          try {
            handler(message)
          } catch (error) {
            options.onHandlerError?.(error)
          }
        })
      }
    },
    async subscribe(channel, handler) {
      if (closed) throw new Error('pub/sub is closed')
      let handlers = channels.get(channel)
      if (!handlers) {
        handlers = new Set()
        channels.set(channel, handlers)
      }
      // A wrapper per subscription: subscribing one function twice gives two subscriptions.
      const subscription: MessageHandler = (message) => handler(message)
      handlers.add(subscription)
      return async () => {
        handlers.delete(subscription)
        if (handlers.size === 0) channels.delete(channel)
      }
    },
    async ping() {
      if (closed) throw new Error('pub/sub is closed')
    },
    async close() {
      closed = true
      channels.clear()
    },
  }
}
