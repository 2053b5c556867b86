// The web app's main views in Chromium: each renders without console errors
// or serious accessibility violations (axe-core, WCAG 2.1 A/AA), on a laptop
// and on a phone-sized screen; screenshots of each go to
// test-results/screenshots/ for people to look at.
import { describe, expect, it } from 'vitest'
import { accessibilityViolations } from './utils/axe.ts'
import {
  type AppPage,
  createCalendar,
  newContext,
  openPage,
  screenshot,
  signUp,
  useWebApp,
} from './utils/web-app.ts'

describe('the web app main views', () => {
  const app = useWebApp()

  /** Screenshot and checks of what is on screen now. */
  async function view(page: AppPage, name: string, problems: string[]): Promise<void> {
    await screenshot(page, name)
    for (const violation of await accessibilityViolations(page))
      problems.push(`${name}: ${violation}`)
  }

  it('render every main view cleanly, on a laptop and on a phone', async () => {
    const problems: string[] = []
    const context = await newContext(app.browser())
    const page = await openPage(context, app.url())
    await page.getByRole('heading', { name: 'Sign in to plansync' }).waitFor()
    await view(page, 'sign-in', problems)

    await signUp(page, 'screens-ann', 'Ann')
    await createCalendar(page, 'Family')
    await page.getByRole('button', { name: 'New event' }).click()
    await page.getByLabel('Title').fill('Football')
    await page.getByLabel('Repeat').selectOption({ label: 'Every week' })
    await view(page, 'event-dialog', problems)
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByText('Football').first().waitFor()
    await view(page, 'month', problems)

    await page.getByRole('button', { name: 'Week' }).click()
    await page.getByText('Football').first().waitFor()
    await view(page, 'week', problems)
    await page.getByRole('button', { name: 'Agenda' }).click()
    await page.getByText('Football').first().waitFor()
    await view(page, 'agenda', problems)

    await page.getByText('Football').first().click()
    await page.getByRole('link', { name: 'Open planning space' }).click()
    await page.getByRole('textbox', { name: 'Notes' }).waitFor()
    await view(page, 'event-page', problems)

    await page.goto(`${app.url()}/settings`)
    await page.getByRole('heading', { level: 1 }).waitFor()
    await view(page, 'settings', problems)
    await page.goto(`${app.url()}/inbox`)
    await page.getByRole('heading', { level: 1 }).waitFor()
    await view(page, 'inbox', problems)
    await page.goto(app.url())
    await page.getByRole('link', { name: 'Settings of Family' }).click()
    await page.getByRole('heading', { level: 1 }).waitFor()
    await view(page, 'calendar-settings', problems)

    const phone = await newContext(app.browser(), { width: 375, height: 812 })
    await phone.addCookies(await context.cookies())
    const small = await openPage(phone, app.url())
    await small.getByLabel('Username').fill('screens-ann')
    await small.getByLabel('Password').fill('screens-ann has a long passphrase')
    await small.getByRole('button', { name: 'Sign in' }).click()
    await small.getByText('Football').first().waitFor()
    await view(small, 'phone-agenda', problems)
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    )

    expect(problems).toEqual([])
    expect(page.errors()).toEqual([])
    expect(small.errors()).toEqual([])
    await context.close()
    await phone.close()
  }, 120_000)
})
