// The in-app inbox as the user's Yjs doc (`user:<id>:inbox`, see
// @plansync/schema inbox-doc.ts): the notifier adds entries through the doc
// writer, and the user's apps see them live through the sync server.
import { inboxDocName } from '@plansync/protocol'
import { addInboxEntry, markInboxEntry, pruneInbox, readInbox } from '@plansync/schema'
import type { InboxItem, InboxStore } from '../channels/inbox-store.ts'
import type { DocReader } from './doc-reader.ts'
import type { DocWriter } from './doc-writer.ts'

/** Entries an inbox keeps; older ones go, read ones first. */
const KEEP = 500

export function createDocInboxStore(options: { reader: DocReader; writer: DocWriter }): InboxStore {
  const { reader, writer } = options
  const entries = async (userId: string) => readInbox(await reader.read(inboxDocName(userId)))
  return {
    add(userId, item) {
      return writer.change(inboxDocName(userId), (doc) => {
        const added = addInboxEntry(doc, {
          id: item.id,
          kind: item.kind,
          title: item.title,
          body: item.body,
          url: item.url ?? null,
          createdAt: item.createdAt,
        })
        if (added) pruneInbox(doc, KEEP)
        return added
      })
    },
    async list(userId, { unreadOnly = false, limit = KEEP } = {}) {
      const all = await entries(userId)
      return all
        .filter((entry) => !unreadOnly || entry.readAt === null)
        .slice(0, limit)
        .map(
          (entry): InboxItem => ({
            id: entry.id,
            kind: entry.kind,
            title: entry.title,
            body: entry.body,
            ...(entry.url === null ? {} : { url: entry.url }),
            createdAt: entry.createdAt,
            readAt: entry.readAt,
          }),
        )
    },
    markRead(userId, id, at) {
      return writer.change(inboxDocName(userId), (doc) => markInboxEntry(doc, id, at))
    },
    markUnread(userId, id) {
      return writer.change(inboxDocName(userId), (doc) => markInboxEntry(doc, id, null))
    },
    async unreadCount(userId) {
      return (await entries(userId)).filter((entry) => entry.readAt === null).length
    },
  }
}
