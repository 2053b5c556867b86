// The signed-in user's in-app notifications (`user:<id>:inbox`), written by
// the notifier and read live here: entries newest first, unread count, and
// read marks that reach the user's other devices.
import { type InboxEntry, markInboxEntry, readInbox } from '@plansync/schema'
import type { DocHandle } from './doc-handle.ts'
import { LiveHandle } from './live-handle.ts'

export class InboxHandle extends LiveHandle {
  #now: () => number

  constructor(userId: string, handle: DocHandle, now: () => number = Date.now) {
    super('inbox', userId, handle, (doc) => [doc.getMap('items')])
    this.#now = now
  }

  /** Newest first. */
  entries(): InboxEntry[] {
    return readInbox(this.doc, this.report)
  }

  unreadCount(): number {
    return this.entries().filter((entry) => entry.readAt === null).length
  }

  /** Marks an entry read (or unread); false when there is no such entry. */
  markRead(id: string, read = true): boolean {
    this.assertWritable()
    return markInboxEntry(this.doc, id, read ? this.#now() : null)
  }

  markAllRead(): void {
    this.assertWritable()
    const at = this.#now()
    this.doc.transact(() => {
      for (const entry of this.entries())
        if (entry.readAt === null) markInboxEntry(this.doc, entry.id, at)
    })
  }
}
