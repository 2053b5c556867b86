// Recurring events in the web app: a weekly event, one occurrence renamed
// for "this event" only, then one occurrence dragged a day on for "all
// events", which moves the whole series; in the agenda view of Chromium.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { createCalendar, newContext, openPage, signUp, useWebApp } from './utils/web-app.ts'

/** Titles per date in the month grid, `YYYY-MM-DD` → titles, for the dates that have any. */
async function monthGrid(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => {
    const grid: Record<string, string[]> = {}
    for (const cell of document.querySelectorAll<HTMLElement>('td.fc-daygrid-day[data-date]')) {
      const titles = [...cell.querySelectorAll('.fc-event-title')].map((t) => t.textContent ?? '')
      if (titles.length > 0) grid[cell.dataset.date ?? ''] = titles
    }
    return grid
  })
}

describe('recurring events in the web app', () => {
  const app = useWebApp()

  it('changes one occurrence, or all of them', async () => {
    const context = await newContext(app.browser())
    const page = await openPage(context, app.url())
    await signUp(page, 'recurring-ann', 'Ann')
    await createCalendar(page, 'Family')
    // Mondays at 10:00 from the first Monday shown: one in each of the grid's six weeks.
    const firstMonday = await page
      .locator('td.fc-day-mon[data-date]')
      .first()
      .getAttribute('data-date')
    await page.getByRole('button', { name: 'New event' }).click()
    await page.getByLabel('Title').fill('Swimming')
    await page.getByLabel('Starts').fill(`${firstMonday}T10:00`)
    await page.getByLabel('Ends').fill(`${firstMonday}T11:00`)
    await page.getByLabel('Repeat').selectOption({ label: 'Every week' })
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(async () => Object.keys(await monthGrid(page)).length).toBe(6)
    const mondays = Object.keys(await monthGrid(page)).sort()

    // Rename the second occurrence only.
    await page.locator(`td[data-date="${mondays[1]}"]`).getByText('Swimming').click()
    await page.getByLabel('Title').fill('Swimming gala')
    await page.getByRole('radio', { name: 'This event' }).check()
    await page.getByRole('button', { name: 'Save' }).click()
    await expect
      .poll(async () => (await monthGrid(page))[mondays[1] ?? ''])
      .toEqual(['Swimming gala'])
    expect((await monthGrid(page))[mondays[2] ?? '']).toEqual(['Swimming'])

    // Drag the third occurrence to Tuesday, for all events: the series moves.
    const event = page.locator(`td[data-date="${mondays[2]}"]`).getByText('Swimming')
    const from = await event.boundingBox()
    const to = await page.locator(`td[data-date="${mondays[2]}"] + td`).boundingBox()
    if (!from || !to) throw new Error('the occurrence or the next day is not on screen')
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
    await page.mouse.down()
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 })
    await page.mouse.up()
    await page.getByRole('button', { name: 'All events' }).click()
    await expect
      .poll(async () => {
        const grid = await monthGrid(page)
        return mondays.every((monday) => grid[monday] === undefined)
      })
      .toBe(true)
    const grid = await monthGrid(page)
    expect(Object.keys(grid)).toHaveLength(6)
    for (const day of Object.keys(grid)) expect(new Date(`${day}T12:00Z`).getUTCDay()).toBe(2)
    // The renamed occurrence keeps its own title on its new day.
    expect(
      Object.values(grid)
        .flat()
        .filter((title) => title === 'Swimming gala'),
    ).toHaveLength(1)

    expect(page.errors()).toEqual([])
    await context.close()
  }, 120_000)
})
