// In-app delivery into the memory inbox: the shared suite, read/unread, dedupe and the bound.
import { describe, expect, it } from 'vitest'
import { describeChannel, notificationFor } from './channel-suite.ts'
import { createInAppChannel } from './in-app.ts'
import { createMemoryInboxStore } from './inbox-store.ts'

const carol = { userId: 'u3' }

describeChannel('in-app', async () => {
  const store = createMemoryInboxStore()
  const channel = createInAppChannel({ store })
  return {
    channel,
    recipient: carol,
    async received() {
      const items = await store.list(carol.userId)
      return items
        .reverse()
        .map((item) => ({ idempotencyKey: item.id, title: item.title, body: item.body }))
    },
    close: () => channel.close(),
  }
})

describe('in-app channel', () => {
  it('adds an unread item once per key, which can be read and unread', async () => {
    const store = createMemoryInboxStore()
    const channel = createInAppChannel({ store })
    const first = await channel.send(notificationFor(carol), { idempotencyKey: 'k1' })
    const again = await channel.send(notificationFor(carol), { idempotencyKey: 'k1' })
    expect(first).toEqual({ status: 'delivered', detail: 'added' })
    expect(again).toEqual({ status: 'delivered', detail: 'already in the inbox' })
    expect(await store.unreadCount('u3')).toBe(1)
    expect(await store.list('u3')).toEqual([
      {
        id: 'k1',
        kind: 'reminder',
        title: 'Dentist in 15 minutes',
        body: 'Dr. Lee, Main Street 4.\nBring the insurance card.',
        url: 'https://plansync.example/e/ev1',
        data: { eventId: 'ev1', start: '2026-03-01T10:00:00Z' },
        createdAt: Date.UTC(2026, 2, 1, 9, 45),
        readAt: null,
      },
    ])
    expect(await store.markRead('u3', 'k1', 42)).toBe(true)
    expect(await store.unreadCount('u3')).toBe(0)
    expect(await store.list('u3', { unreadOnly: true })).toEqual([])
    expect((await store.list('u3'))[0]?.readAt).toBe(42)
    expect(await store.markUnread('u3', 'k1')).toBe(true)
    expect(await store.unreadCount('u3')).toBe(1)
    expect(await store.markRead('u3', 'missing', 1)).toBe(false)
    expect(await store.markRead('someone-else', 'k1', 1)).toBe(false)
  })

  it('keeps inboxes apart and lists newest first', async () => {
    const store = createMemoryInboxStore()
    const channel = createInAppChannel({ store })
    await channel.send(notificationFor(carol, { createdAt: 1, title: 'old' }), {
      idempotencyKey: 'a',
    })
    await channel.send(notificationFor(carol, { createdAt: 2, title: 'new' }), {
      idempotencyKey: 'b',
    })
    await channel.send(notificationFor({ userId: 'u4' }), { idempotencyKey: 'c' })
    expect((await store.list('u3')).map((item) => item.title)).toEqual(['new', 'old'])
    expect((await store.list('u3', { limit: 1 })).map((item) => item.id)).toEqual(['b'])
    expect((await store.list('u4')).map((item) => item.id)).toEqual(['c'])
  })

  it('stays within its bound, dropping the oldest read item first', async () => {
    const store = createMemoryInboxStore({ maxItemsPerUser: 3 })
    const add = (id: string, createdAt: number) =>
      store.add('u3', { id, kind: 'reminder', title: id, body: '', createdAt })
    await add('a', 1)
    await add('b', 2)
    await add('c', 3)
    await store.markRead('u3', 'b', 10)
    await add('d', 4)
    expect((await store.list('u3')).map((item) => item.id)).toEqual(['d', 'c', 'a'])
    await add('e', 5)
    expect((await store.list('u3')).map((item) => item.id)).toEqual(['e', 'd', 'c'])
  })

  it('reports a failing store as retryable', async () => {
    const store = createMemoryInboxStore()
    const channel = createInAppChannel({
      store: {
        ...store,
        add: async () => {
          throw new Error('inbox doc unavailable')
        },
      },
    })
    expect(await channel.send(notificationFor(carol), { idempotencyKey: 'k1' })).toEqual({
      status: 'retryable',
      code: 'unexpected',
      message: 'inbox doc unavailable',
    })
  })
})
