export { createMemoryPubSub } from './memory.ts'
export { createRedisPubSub, type RedisPubSubOptions } from './redis.ts'
export type { MessageHandler, PubSub } from './types.ts'
