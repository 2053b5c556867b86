import { createMemoryPubSub } from './memory.ts'
import { describePubSub } from './pubsub-suite.ts'

describePubSub('memory', () => createMemoryPubSub())
