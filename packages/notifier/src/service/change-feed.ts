// Which docs changed, so the notifier re-plans their reminders. Embedded,
// the sync server in the same process reports each commit (`notify`); in a
// cluster the notifier reads the sync servers' relay streams in Redis. Both
// may lose track (a Redis restart, a gap): then `onResync` asks for a full
// re-plan, which is always correct because plans come from storage.
import type { Relay } from '@plansync/sync-server'

export interface ChangeFeedHandlers {
  onChange(docName: string): void
  /** Changes may have been missed: re-plan everything. */
  onResync(): void
}

export interface ChangeFeed {
  start(handlers: ChangeFeedHandlers): Promise<void>
  close(): Promise<void>
}

/** In-process: the embedded sync server calls `notify` after each commit (its `onDocChanged`). */
export function createLocalChangeFeed(): ChangeFeed & { notify(docName: string): void } {
  let handlers: ChangeFeedHandlers | undefined
  return {
    async start(h) {
      handlers = h
    },
    notify(docName) {
      handlers?.onChange(docName)
    },
    async close() {
      handlers = undefined
    },
  }
}

/** From the sync servers' Redis relay (read only: the notifier never publishes). */
export function createRelayChangeFeed(relay: Relay): ChangeFeed {
  return {
    start: (handlers) =>
      relay.start({
        onUpdate: (docName) => handlers.onChange(docName),
        onResync: () => handlers.onResync(),
      }),
    close: () => relay.close(),
  }
}
