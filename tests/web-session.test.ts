// A session the server ends (a password change on another device) while
// this device has edits the server has not seen: the app asks to sign in
// again, keeps the replicas meanwhile, and shares the edits once the same
// user is back, instead of wiping them.
import { describe, expect, it } from 'vitest'
import { createCalendar, newContext, openPage, signUp, useWebApp } from './utils/web-app.ts'

describe('a session ended elsewhere', () => {
  const app = useWebApp()

  it('keeps the unsaved edits of the signed-out device and shares them after sign-in', async () => {
    const laptop = await newContext(app.browser())
    const phone = await newContext(app.browser(), { width: 390, height: 844 })
    const a = await openPage(laptop, app.url())
    await signUp(a, 'session-ann', 'Ann')
    await createCalendar(a, 'Family')
    const b = await openPage(phone, app.url())
    await b.getByLabel('Username').fill('session-ann')
    await b.getByLabel('Password').fill('session-ann has a long passphrase')
    await b.getByRole('button', { name: 'Sign in' }).click()
    await b.getByRole('heading', { name: 'My calendars' }).waitFor()
    await expect.poll(() => b.getByTestId('sync-status').getAttribute('data-state')).toBe('synced')

    // The phone plans offline; meanwhile the laptop changes the password.
    await phone.setOffline(true)
    await b.getByRole('button', { name: 'New event' }).click()
    await b.getByLabel('Title').fill('Planned on the phone')
    await b.getByRole('button', { name: 'Save' }).click()
    await b.getByText('Planned on the phone').first().waitFor()
    await a.getByRole('link', { name: 'Settings', exact: true }).click()
    await a.getByLabel('Current password').fill('session-ann has a long passphrase')
    await a.getByLabel('New password', { exact: true }).fill('a brand new passphrase')
    await a.getByLabel('New password again').fill('a brand new passphrase')
    await a.getByRole('button', { name: 'Change password' }).click()
    await a.getByText('Password changed.').waitFor()

    // Back online, the phone is asked to sign in again, as Ann.
    await phone.setOffline(false)
    await b.getByText('Your session ended').waitFor({ timeout: 15_000 })
    // A reload meanwhile changes nothing: still asked, nothing wiped.
    await b.reload()
    await b.getByText('Your session ended').waitFor()
    expect(await b.getByLabel('Username').inputValue()).toBe('session-ann')
    await b.getByLabel('Password').fill('a brand new passphrase')
    await b.getByRole('button', { name: 'Sign in' }).click()

    // The edit made while signed out elsewhere reaches the laptop.
    await a.getByRole('link', { name: 'Calendar', exact: true }).click()
    await a.getByText('Planned on the phone').first().waitFor({ timeout: 15_000 })
    await expect
      .poll(() => b.getByTestId('sync-status').getAttribute('data-pending'), { timeout: 15_000 })
      .toBe('0')
    expect(a.errors()).toEqual([])
    expect(b.errors()).toEqual([])
    await laptop.close()
    await phone.close()
  }, 120_000)
})
