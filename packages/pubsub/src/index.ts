export { createMemoryPubSub } from './memory.ts'
export type { MessageHandler, PubSub } from './types.ts'
