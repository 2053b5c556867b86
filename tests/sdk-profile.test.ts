// The SDK's own-account calls against the real embedded process: the profile
// (display name, email) changes and restoreUser() reads it back, refusals name
// the field; a password change keeps this session syncing and ends the
// user's other sessions, whose open docs go to needs-auth.
import { ApiError, type SyncState } from '@plansync/client-sdk'
import { describe, expect, it } from 'vitest'
import { useEmbeddedServer } from './utils/sdk-harness.ts'
import { waitFor } from './utils/wait.ts'

describe('SDK profile and password', () => {
  const harness = useEmbeddedServer()

  it('changes the display name and email, and names the bad or taken field', async () => {
    const ann = harness.client('profile-ann')
    const bob = harness.client('profile-bob')
    await ann.register({ username: 'profile-ann', password: 'a long password for ann' })
    await bob.register({
      username: 'profile-bob',
      password: 'a long password for bob',
      email: 'bob@example.org',
    })

    const { user } = await ann.api.updateProfile({
      displayName: ' Ann B. ',
      email: 'Ann@Example.org',
    })
    expect(user).toMatchObject({ displayName: 'Ann B.', email: 'ann@example.org' })
    // The client keeps the user it read last until asked again.
    expect(ann.user?.displayName).toBe('profile-ann')
    expect(await ann.restoreUser()).toEqual(user)
    expect(ann.user).toEqual(user)
    expect((await ann.api.updateProfile({ email: null })).user).toMatchObject({
      displayName: 'Ann B.',
      email: null,
    })

    const bad = await ann.api
      .updateProfile({ displayName: '', email: 'not an address' })
      .catch((error: unknown) => error)
    expect(bad).toBeInstanceOf(ApiError)
    expect(bad).toMatchObject({ status: 400, code: 'validation_failed' })
    expect(Object.keys((bad as ApiError).fields ?? {}).sort()).toEqual(['displayName', 'email'])
    const taken = await ann.api
      .updateProfile({ email: 'BOB@example.org' })
      .catch((error: unknown) => error)
    expect(taken).toMatchObject({ status: 409, code: 'email_taken' })
    expect((await ann.api.me()).user).toMatchObject({ displayName: 'Ann B.', email: null })
  })

  it('changes the password: this session keeps syncing, the others end and need auth', async () => {
    const password = 'a long password for cat'
    const laptop = harness.client('password-cat-laptop')
    const phone = harness.client('password-cat-phone')
    await laptop.register({ username: 'password-cat', password })
    await phone.login({ username: 'password-cat', password })
    const { calendar } = await laptop.api.createCalendar({ name: 'Plans' })
    const onLaptop = await laptop.openCalendar(calendar.id)
    const onPhone = await phone.openCalendar(calendar.id)
    await waitFor(
      () => onLaptop.status.state === 'synced' && onPhone.status.state === 'synced',
      'both synced',
    )

    const wrong = await laptop.api
      .changePassword({ currentPassword: 'not the password', newPassword: 'a new password' })
      .catch((error: unknown) => error)
    expect(wrong).toMatchObject({ status: 401, code: 'invalid_credentials' })
    const short = await laptop.api
      .changePassword({ currentPassword: password, newPassword: 'short' })
      .catch((error: unknown) => error)
    expect(short).toMatchObject({ status: 400, fields: { newPassword: expect.any(String) } })
    expect((await phone.api.me()).user.username).toBe('password-cat')

    const laptopStates: SyncState[] = []
    onLaptop.on('status', (status) => laptopStates.push(status.state))
    await laptop.api.changePassword({ currentPassword: password, newPassword: 'a new password' })

    // The other session ended: its docs stop at needs-auth, its API calls get 401.
    await waitFor(() => onPhone.status.state === 'needs-auth', 'the phone needs auth')
    expect(await phone.api.me().catch((error: unknown) => error)).toMatchObject({ status: 401 })

    // This session stays: the server closed its connection too, and it comes
    // back with a fresh token (no needs-auth) and saves.
    await waitFor(() => laptopStates.includes('connecting'), 'the laptop reconnects')
    expect((await laptop.api.me()).user.username).toBe('password-cat')
    const id = onLaptop.createEvent({
      title: 'After the change',
      start: '2026-05-02T10:00',
      end: '2026-05-02T11:00',
    })
    await waitFor(
      () => onLaptop.status.state === 'synced' && onLaptop.status.pending === 0,
      'the laptop saved',
    )
    expect(laptopStates).not.toContain('needs-auth')

    const oldPassword = await harness
      .client('password-cat-old')
      .login({ username: 'password-cat', password })
      .catch((error: unknown) => error)
    expect(oldPassword).toMatchObject({ status: 401, code: 'invalid_credentials' })
    const desktop = harness.client('password-cat-desktop')
    await desktop.login({ username: 'password-cat', password: 'a new password' })
    const onDesktop = await desktop.openCalendar(calendar.id)
    await waitFor(
      () => onDesktop.events().some((event) => event.id === id),
      'the new session sees the change',
    )
  })
})
