// Where in-app notifications land: a per-user inbox with read/unread. The
// interface is what the in-app channel needs; the user's Yjs inbox doc
// implements it (service/doc-inbox-store.ts), the memory store serves tests.
import type { JsonValue } from './types.ts'

export interface InboxItem {
  /** The idempotency key: adding the same id twice keeps one item. */
  readonly id: string
  readonly kind: string
  readonly title: string
  readonly body: string
  readonly url?: string
  readonly data?: { readonly [key: string]: JsonValue }
  readonly createdAt: number
  /** Epoch milliseconds when read; null while unread. */
  readonly readAt: number | null
}

export interface InboxStore {
  /** Adds an unread item unless one with the same id exists; true when added. */
  add(userId: string, item: Omit<InboxItem, 'readAt'>): Promise<boolean>
  /** Newest first. */
  list(userId: string, options?: { unreadOnly?: boolean; limit?: number }): Promise<InboxItem[]>
  /** False when the item does not exist. */
  markRead(userId: string, id: string, at: number): Promise<boolean>
  markUnread(userId: string, id: string): Promise<boolean>
  unreadCount(userId: string): Promise<number>
}

/**
 * An inbox in memory, bounded per user: past `maxItemsPerUser` the oldest
 * read item goes first, then the oldest. A dropped id can be added again.
 */
export function createMemoryInboxStore(options: { maxItemsPerUser?: number } = {}): InboxStore {
  const maxItems = options.maxItemsPerUser ?? 500
  const inboxes = new Map<string, Map<string, InboxItem>>()
  const inboxOf = (userId: string) => {
    const inbox = inboxes.get(userId) ?? new Map<string, InboxItem>()
    inboxes.set(userId, inbox)
    return inbox
  }
  // Ties on createdAt go to the later insertion: reverse the insertion order, then a stable sort.
  const newestFirst = (inbox: Map<string, InboxItem> | undefined) =>
    [...(inbox?.values() ?? [])].reverse().sort((a, b) => b.createdAt - a.createdAt)

  function trim(inbox: Map<string, InboxItem>): void {
    while (inbox.size > maxItems) {
      const oldest = newestFirst(inbox)
      const victim = oldest.findLast((item) => item.readAt !== null) ?? oldest.at(-1)
      if (!victim) return
      inbox.delete(victim.id)
    }
  }

  function update(userId: string, id: string, readAt: number | null): boolean {
    const inbox = inboxes.get(userId)
    const item = inbox?.get(id)
    if (!inbox || !item) return false
    inbox.set(id, { ...item, readAt })
    return true
  }

  return {
    async add(userId, item) {
      const inbox = inboxOf(userId)
      if (inbox.has(item.id)) return false
      inbox.set(item.id, { ...item, readAt: null })
      trim(inbox)
      return true
    },
    async list(userId, { unreadOnly = false, limit = maxItems } = {}) {
      return newestFirst(inboxes.get(userId))
        .filter((item) => !unreadOnly || item.readAt === null)
        .slice(0, limit)
    },
    async markRead(userId, id, at) {
      return update(userId, id, at)
    },
    async markUnread(userId, id) {
      return update(userId, id, null)
    },
    async unreadCount(userId) {
      let count = 0
      for (const item of inboxes.get(userId)?.values() ?? []) if (item.readAt === null) count++
      return count
    },
  }
}
