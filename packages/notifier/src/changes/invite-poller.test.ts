// Invite notices become one `invited` notification per channel the invitee
// chose, with the link; notices are acknowledged only after they are
// scheduled, taken twice they still notify once, and stale ones are dropped.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { prefsDocName } from '@plansync/protocol'
import { setNotificationPrefs } from '@plansync/schema'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { createManualClock } from '../channels/clock.ts'
import type { Notification } from '../channels/types.ts'
import { assertNotification } from '../channels/validate.ts'
import { openReminderSchedule } from '../schedule/open-schedule.ts'
import type { ReminderSchedule } from '../schedule/types.ts'
import { changeDoc } from './digest-store.ts'
import { InvitePoller } from './invite-poller.ts'
import type { InviteNotice, InviteNoticeSource } from './invite-source.ts'

const clock = createManualClock(Date.UTC(2026, 5, 1, 8))
const notice = (patch: Partial<InviteNotice> = {}): InviteNotice => ({
  inviteId: 'inv-1',
  calendarId: 'family',
  calendarName: 'Family',
  role: 'editor',
  status: 'pending',
  createdAt: clock.now(),
  expiresAt: clock.now() + 7 * 86_400_000,
  link: 'https://plans.example/invite/s3cret',
  inviter: { userId: 'ann', username: 'ann', displayName: 'Ann' },
  invitee: { userId: 'bob', username: 'bob', displayName: 'Bob', email: 'bob@example.test' },
  ...patch,
})

describe('InvitePoller', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })

  async function setup(waiting: InviteNotice[]) {
    const dir = await mkdtemp(path.join(tmpdir(), 'plansync-invites-'))
    const schedule: ReminderSchedule = await openReminderSchedule({
      kind: 'sqlite',
      file: path.join(dir, 'n.sqlite'),
    })
    cleanups.push(async () => {
      await schedule.close()
      await rm(dir, { recursive: true, force: true })
    })
    const prefs = new Y.Doc()
    setNotificationPrefs(prefs, { email: true })
    const acked: string[][] = []
    let failAck = false
    const source: InviteNoticeSource = {
      list: async (limit) => waiting.slice(0, limit),
      async ack(ids) {
        if (failAck) throw new Error('auth API away')
        acked.push([...ids])
        waiting.splice(0, waiting.length, ...waiting.filter((n) => !ids.includes(n.inviteId)))
      },
    }
    const poller = new InvitePoller({
      source,
      schedule,
      reader: {
        async read(name) {
          const copy = new Y.Doc()
          if (name === prefsDocName('bob')) Y.applyUpdate(copy, Y.encodeStateAsUpdate(prefs))
          return copy
        },
      },
      channelsFor: (user, doc) =>
        doc.getMap('notify').get('email') && user.email ? ['in-app', 'email'] : ['in-app'],
      clock,
      logger: pino({ level: 'silent' }),
      intervalMs: 1000,
    })
    const rows = async () => schedule.listForDoc(changeDoc('invites'))
    return { poller, acked, rows, failAcks: (fail: boolean) => (failAck = fail) }
  }

  it('schedules an invitation per channel with the link, then acknowledges', async () => {
    const { poller, acked, rows } = await setup([notice()])
    expect(await poller.poll()).toBe(2)
    expect(acked).toEqual([['inv-1']])
    const scheduled = await rows()
    expect(scheduled.map((row) => [row.key, row.dueAt])).toEqual([
      ['inv-1/invite/invited/bob/email', clock.now()],
      ['inv-1/invite/invited/bob/in-app', clock.now()],
    ])
    const notification = scheduled[0]?.payload as unknown as Notification
    expect(notification).toMatchObject({
      kind: 'invited',
      recipient: { userId: 'bob', name: 'Bob', email: 'bob@example.test' },
      title: 'Ann invited you to Family',
      url: 'https://plans.example/invite/s3cret',
      data: { inviteId: 'inv-1', calendarId: 'family', role: 'editor' },
    })
    expect(notification.body).toMatch(/^Ann invited you to the calendar Family as an editor\./)
    assertNotification(notification, scheduled[0]?.key as string)
    expect(await poller.poll()).toBe(0)
  })

  it('notifies once when a notice is taken again after a failed acknowledgement', async () => {
    const { poller, rows, failAcks } = await setup([notice()])
    failAcks(true)
    await expect(poller.poll()).rejects.toThrow(/away/)
    failAcks(false)
    expect(await poller.poll()).toBe(0)
    expect(await rows()).toHaveLength(2)
  })

  it('drops revoked, answered, expired invites and invites to oneself', async () => {
    const ann = { userId: 'ann', username: 'ann', displayName: 'Ann', email: null }
    const { poller, acked, rows } = await setup([
      notice({ inviteId: 'revoked', status: 'revoked' }),
      notice({ inviteId: 'accepted', status: 'accepted' }),
      notice({ inviteId: 'expired', expiresAt: clock.now() }),
      notice({ inviteId: 'self', invitee: ann }),
    ])
    expect(await poller.poll()).toBe(0)
    expect(acked).toEqual([['revoked', 'accepted', 'expired', 'self']])
    expect(await rows()).toEqual([])
  })
})
