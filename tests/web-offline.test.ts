// The web app offline, in Debian's Chromium: one device of a user goes
// offline, plans an event, reloads the page while still offline (the service
// worker serves the app, IndexedDB keeps the edit), shows the pending change,
// and when the network returns both devices converge and show "saved".
import { describe, expect, it } from 'vitest'
import {
  createCalendar,
  newContext,
  openPage,
  screenshot,
  signUp,
  useWebApp,
} from './utils/web-app.ts'

describe('the web app offline', () => {
  const app = useWebApp()

  it('keeps edits across an offline reload and converges when back online', async () => {
    const laptop = await newContext(app.browser())
    const phone = await newContext(app.browser(), { width: 390, height: 844 })
    const a = await openPage(laptop, app.url())
    await signUp(a, 'offline-ann', 'Ann')
    await createCalendar(a, 'Family')
    const status = a.getByTestId('sync-status')
    await expect.poll(() => status.getAttribute('data-state')).toBe('synced')

    // The same user on a second device.
    const b = await openPage(phone, app.url())
    await b.getByLabel('Username').fill('offline-ann')
    await b.getByLabel('Password').fill('offline-ann has a long passphrase')
    await b.getByRole('button', { name: 'Sign in' }).click()
    await b.getByRole('heading', { name: 'My calendars' }).waitFor()

    // The service worker has the app shell before the network goes.
    await a.evaluate(async () => {
      await navigator.serviceWorker.ready
    })

    await laptop.setOffline(true)
    await a.getByTestId('offline-banner').waitFor()
    await expect.poll(() => status.getAttribute('data-state')).toBe('offline')
    await a.getByRole('button', { name: 'New event' }).click()
    await a.getByLabel('Title').fill('Planned on the train')
    await a.getByRole('button', { name: 'Save' }).click()
    await a.getByText('Planned on the train').first().waitFor()
    await expect
      .poll(async () => Number(await status.getAttribute('data-pending')))
      .toBeGreaterThan(0)
    await expect
      .poll(() => status.textContent())
      .toMatch(/Offline, \d+ changes? kept on this device/)
    await screenshot(a, 'offline-before-reload')

    await a.reload()
    await a.getByRole('heading', { name: 'My calendars' }).waitFor()
    await a.getByText('Planned on the train').first().waitFor()
    await a.getByTestId('offline-banner').waitFor()
    await expect
      .poll(async () => Number(await status.getAttribute('data-pending')))
      .toBeGreaterThan(0)
    await screenshot(a, 'offline-after-reload')
    // Pages loaded on first use come from the service worker too.
    await a.getByRole('link', { name: 'Settings', exact: true }).click()
    await a.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
    await a.getByRole('link', { name: 'Calendar', exact: true }).click()
    await a.getByText('Planned on the train').first().waitFor()

    await laptop.setOffline(false)
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('synced')
    await expect.poll(() => status.getAttribute('data-pending')).toBe('0')
    await expect.poll(() => status.textContent()).toBe('All changes saved')
    await b.getByText('Planned on the train').first().waitFor({ timeout: 10_000 })

    expect(a.errors()).toEqual([])
    expect(b.errors()).toEqual([])
    await laptop.close()
    await phone.close()
  }, 120_000)
})
