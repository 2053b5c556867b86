// Roles in the web app, in Chromium: a viewer sees the calendar and cannot
// change it; a member removed by the owner is cut off live, without reloading.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import {
  createCalendar,
  newContext,
  openPage,
  screenshot,
  signUp,
  useWebApp,
} from './utils/web-app.ts'

/** The owner invites a username with a role through the calendar's settings; returns the link. */
async function invite(owner: Page, calendar: string, username: string, role: 'Editor' | 'Viewer') {
  await owner.getByRole('link', { name: `Settings of ${calendar}` }).click()
  await owner.getByLabel('Their username').fill(username)
  await owner.locator('select[name="role"]').selectOption({ label: role })
  await owner.getByRole('button', { name: 'Create invite link' }).click()
  const link = await owner.getByTestId('invite-link').inputValue()
  await owner.getByRole('link', { name: 'Calendar', exact: true }).click()
  return link
}

async function join(page: Page, link: string, calendar: string) {
  await page.goto(link)
  await page.getByRole('button', { name: `Join ${calendar}` }).click()
  await page.getByRole('heading', { name: 'My calendars' }).waitFor()
}

describe('roles in the web app', () => {
  const app = useWebApp()

  it('lets a viewer look but not change, and cuts a removed member off live', async () => {
    const annContext = await newContext(app.browser())
    const veraContext = await newContext(app.browser())
    const bobContext = await newContext(app.browser())
    const ann = await openPage(annContext, app.url())
    const vera = await openPage(veraContext, app.url())
    const bob = await openPage(bobContext, app.url())
    await signUp(vera, 'access-vera', 'Vera')
    await signUp(bob, 'access-bob', 'Bob')
    await signUp(ann, 'access-ann', 'Ann')
    await createCalendar(ann, 'Family')
    await ann.getByRole('button', { name: 'New event' }).click()
    await ann.getByLabel('Title').fill('Dinner')
    await ann.getByRole('button', { name: 'Save' }).click()
    await ann.getByText('Dinner').first().waitFor()

    await join(vera, await invite(ann, 'Family', 'access-vera', 'Viewer'), 'Family')
    await join(bob, await invite(ann, 'Family', 'access-bob', 'Editor'), 'Family')

    // The viewer sees the event, cannot drag it, and its form is read-only.
    await vera.getByText('Dinner').first().waitFor()
    expect(await vera.locator('.fc-event-draggable').count()).toBe(0)
    await vera.getByText('Dinner').first().click()
    await vera.getByText('You can view this calendar but not change it.').waitFor()
    expect(await vera.getByLabel('Title').isDisabled()).toBe(true)
    await screenshot(vera, 'viewer-event-form')
    await vera.getByRole('button', { name: 'Cancel' }).click()
    await vera.getByRole('button', { name: 'New event' }).click()
    await vera.getByText(/ask to be made an editor/).waitFor()

    // The editor can change it; everyone sees the change.
    await bob.getByText('Dinner').first().click()
    await bob.getByLabel('Title').fill('Dinner at grandma’s')
    await bob.getByRole('button', { name: 'Save' }).click()
    await ann.getByText('Dinner at grandma’s').first().waitFor()
    await vera.getByText('Dinner at grandma’s').first().waitFor()

    // Removed while looking at the calendar: the calendar goes, live.
    await ann.getByRole('link', { name: 'Settings of Family' }).click()
    await ann.getByRole('button', { name: 'Remove Bob' }).click()
    await ann.getByRole('button', { name: 'Remove', exact: true }).click()
    await bob.getByText('Dinner at grandma’s').first().waitFor({ state: 'detached' })
    await bob.getByText('No calendars yet').waitFor()
    await screenshot(bob, 'removed-member')

    expect(ann.errors()).toEqual([])
    expect(vera.errors()).toEqual([])
    expect(bob.errors()).toEqual([])
    for (const context of [annContext, veraContext, bobContext]) await context.close()
  }, 120_000)
})
