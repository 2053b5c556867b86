// The SDK's auth API client against the real embedded process: members and
// roles, invites (view, decline, revoke), calendar settings and deletion,
// event records; refusals come back as ApiError with the server's code.
import { ApiError } from '@plansync/client-sdk'
import { describe, expect, it } from 'vitest'
import { useEmbeddedServer } from './utils/sdk-harness.ts'

describe('SDK auth API client', () => {
  const harness = useEmbeddedServer()

  it('manages members, invites, calendars and event records, with typed refusals', async () => {
    const ann = harness.client('api-ann')
    const bob = harness.client('api-bob')
    const cat = harness.client('api-cat')
    await ann.register({ username: 'api-ann', password: 'a long password for ann' })
    const bobUser = await bob.register({ username: 'api-bob', password: 'a long password for bob' })
    await cat.register({ username: 'api-cat', password: 'a long password for cat' })
    const { calendar } = await ann.api.createCalendar({ name: 'Club' })

    // Invite, look at it, accept; another one declined; a third revoked.
    const { link } = await ann.api.invite(calendar.id, { username: 'api-bob', role: 'viewer' })
    const secret = link.split('/invite/')[1] as string
    expect((await bob.api.viewInvite(secret)).invite).toMatchObject({
      calendarName: 'Club',
      role: 'viewer',
      status: 'pending',
      inviteeUsername: 'api-bob',
    })
    expect((await bob.api.myInvites()).invites).toHaveLength(1)
    await bob.api.acceptInvite(secret)
    const toCat = await ann.api.invite(calendar.id, { username: 'api-cat', role: 'editor' })
    await cat.api.declineInvite(toCat.link.split('/invite/')[1] as string)
    const again = await ann.api.invite(calendar.id, { username: 'api-cat', role: 'editor' })
    expect(again.invite).toMatchObject({
      calendarName: 'Club',
      role: 'editor',
      status: 'pending',
      inviteeUsername: 'api-cat',
      inviteeDisplayName: 'api-cat',
    })
    const byEmail = await ann.api.invite(calendar.id, { email: 'cat@example.org', role: 'viewer' })
    expect(byEmail.invite).toMatchObject({
      inviteeUserId: null,
      inviteeUsername: null,
      inviteeEmail: 'cat@example.org',
    })
    await ann.api.revokeInvite(calendar.id, byEmail.invite.id)
    const pending = (await ann.api.listInvites(calendar.id)).invites.filter(
      (invite) => invite.status === 'pending',
    )
    expect(pending).toEqual([expect.objectContaining({ id: again.invite.id })])
    expect(pending[0]).toMatchObject({ inviteeUserId: cat.user?.id, inviteeUsername: 'api-cat' })
    await ann.api.revokeInvite(calendar.id, again.invite.id)
    const revoked = await cat.api
      .acceptInvite(again.link.split('/invite/')[1] as string)
      .catch((error: unknown) => error)
    expect(revoked).toBeInstanceOf(ApiError)

    // Roles: a viewer cannot rename; raised to editor, it can.
    expect((await ann.api.listMembers(calendar.id)).members.map((m) => m.role)).toEqual([
      'owner',
      'viewer',
    ])
    const refused = await bob.api
      .updateCalendar(calendar.id, { name: 'Mine' })
      .catch((error: unknown) => error)
    expect(refused).toMatchObject({ status: 403, code: 'forbidden' })
    await ann.api.changeRole(calendar.id, bobUser.id, 'editor')
    const renamed = await bob.api.updateCalendar(calendar.id, { name: 'Chess club' })
    expect(renamed.calendar).toMatchObject({ name: 'Chess club', role: 'editor' })
    expect((await ann.api.getCalendar(calendar.id)).calendar.name).toBe('Chess club')

    // Event records: registered under the client's id, listed, deleted.
    const eventId = '7d0b2c7e-2f0e-4f7b-9c55-3a6c1e2d4b10'
    await bob.api.createEventRecord(calendar.id, eventId)
    expect((await ann.api.listEventRecords(calendar.id)).events.map((e) => e.id)).toEqual([eventId])
    await ann.api.deleteEventRecord(calendar.id, eventId)
    expect((await ann.api.listEventRecords(calendar.id)).events).toEqual([])

    // Feed links: the secret only in the creation and rotation answers.
    const feed = await bob.api.createFeed({ calendarId: calendar.id, busyOnly: true })
    expect(feed.url).toMatch(/\/feeds\/[A-Za-z0-9_-]{43}\.ics$/)
    expect(feed.webcalUrl.startsWith('webcal://')).toBe(true)
    const rotated = await bob.api.rotateFeed(feed.feed.id)
    expect(rotated.url).not.toBe(feed.url)
    expect((await bob.api.listFeeds()).feeds).toEqual([
      expect.objectContaining({ id: feed.feed.id, busyOnly: true, calendarId: calendar.id }),
    ])
    await bob.api.deleteFeed(feed.feed.id)
    expect((await bob.api.listFeeds()).feeds).toEqual([])

    // Only the owner deletes; then it is gone for everyone.
    expect(
      await bob.api.deleteCalendar(calendar.id).catch((error: unknown) => error),
    ).toMatchObject({ status: 403 })
    await ann.api.deleteCalendar(calendar.id)
    expect(await bob.api.getCalendar(calendar.id).catch((error: unknown) => error)).toMatchObject({
      status: 404,
      code: 'not_found',
    })
  })
})
