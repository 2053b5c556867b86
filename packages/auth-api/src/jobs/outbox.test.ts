// The outbox on both stores: a job enqueued in a transaction is published
// after commit, retried while the pub/sub fails, and never published twice
// even when two runners (two replicas) race for it; a rolled-back
// transaction leaves no job behind.
import type { AccessChange } from '@plansync/protocol'
import { createMemoryPubSub, type PubSub } from '@plansync/pubsub'
import pino from 'pino'
import { expect, it } from 'vitest'
import { describeEachStore } from '../testing/test-auth.ts'
import { createOutbox } from './outbox.ts'

const change: AccessChange = { kind: 'user', userId: 'u1', at: 1 }

/** A pub/sub whose first `failures` publishes reject. */
function flakyPubSub(failures: number): PubSub & { published: string[] } {
  const inner = createMemoryPubSub()
  const published: string[] = []
  let left = failures
  return {
    ...inner,
    published,
    async publish(channel, message) {
      if (left-- > 0) throw new Error('redis is down')
      published.push(message)
      await inner.publish(channel, message)
    },
  }
}

describeEachStore('job outbox', (auth) => {
  it('retries a failing publish until it goes through, then removes the job', async () => {
    const { db } = auth().deps.database
    let now = 1_000_000
    const pubsub = flakyPubSub(3)
    const outbox = createOutbox({ db, pubsub, logger: pino({ level: 'silent' }), now: () => now })
    await db.transaction().execute((trx) => outbox.enqueueAccessChange(trx, change))
    for (let round = 0; round < 10 && pubsub.published.length === 0; round++) {
      await outbox.kick()
      now += 60_000
    }
    expect(pubsub.published).toEqual([JSON.stringify(change)])
    expect(await db.selectFrom('jobs').selectAll().execute()).toEqual([])
    await outbox.close()
  })

  it('leaves no job when the transaction rolls back', async () => {
    const { db } = auth().deps.database
    const outbox = createOutbox({
      db,
      pubsub: createMemoryPubSub(),
      logger: pino({ level: 'silent' }),
      now: Date.now,
    })
    await expect(
      db.transaction().execute(async (trx) => {
        await outbox.enqueueAccessChange(trx, change)
        throw new Error('half-way failure')
      }),
    ).rejects.toThrow('half-way failure')
    expect(await db.selectFrom('jobs').selectAll().execute()).toEqual([])
  })

  it('publishes a job once even with two runners', async () => {
    const { db } = auth().deps.database
    const pubsub = flakyPubSub(0)
    const logger = pino({ level: 'silent' })
    const a = createOutbox({ db, pubsub, logger, now: Date.now })
    const b = createOutbox({ db, pubsub, logger, now: Date.now })
    for (let i = 0; i < 20; i++) {
      await db.transaction().execute((trx) => a.enqueueAccessChange(trx, { ...change, at: i }))
    }
    await Promise.all([a.kick(), b.kick(), a.kick(), b.kick()])
    await Promise.all([a.kick(), b.kick()])
    expect(pubsub.published).toHaveLength(20)
    expect(new Set(pubsub.published).size).toBe(20)
    await Promise.all([a.close(), b.close()])
  })
})
