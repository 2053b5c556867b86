// Two people plan together in the web app, in two Chromium contexts: one
// invites the other through the calendar's settings; a drag in the month
// view reaches the other; they see each other in the planner and in the
// event's planning space, and each other's notes, typing and tasks within a second.
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

/** What "within a second" means in these checks. */
const SECOND = 1_000

/** A date in the month grid, `YYYY-MM-DD`, days after today (Berlin, the browsers' zone). */
function berlinDate(daysFromToday: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(
    Date.now() + daysFromToday * 86_400_000,
  )
}

const dayCell = (page: Page, date: string) => page.locator(`td.fc-daygrid-day[data-date="${date}"]`)

describe('two people planning together in the web app', () => {
  const app = useWebApp()

  it('invites, moves, and edits one event together, live', async () => {
    const annContext = await newContext(app.browser())
    const bobContext = await newContext(app.browser())
    const ann = await openPage(annContext, app.url())
    const bob = await openPage(bobContext, app.url())
    await signUp(bob, 'collab-bob', 'Bob')
    await signUp(ann, 'collab-ann', 'Ann')
    await createCalendar(ann, 'Family')

    // Today, or tomorrow late in the evening (the drag goes one day on, in this month's grid).
    const day = new Date().getHours() >= 22 ? 1 : 0
    await ann.getByRole('button', { name: 'New event' }).click()
    await ann.getByLabel('Title').fill('Weekend trip')
    await ann.getByLabel('Starts').fill(`${berlinDate(day)}T10:00`)
    await ann.getByLabel('Ends').fill(`${berlinDate(day)}T12:00`)
    await ann.getByRole('button', { name: 'Save' }).click()
    await dayCell(ann, berlinDate(day)).getByText('Weekend trip').waitFor()

    // The invite, made in the calendar's settings and opened by Bob.
    await ann.getByRole('link', { name: 'Settings of Family' }).click()
    await ann.getByLabel('Their username').fill('collab-bob')
    await ann.getByRole('button', { name: 'Create invite link' }).click()
    const link = await ann.getByTestId('invite-link').inputValue()
    await bob.goto(link)
    await bob.getByRole('button', { name: 'Join Family' }).click()
    await dayCell(bob, berlinDate(day)).getByText('Weekend trip').waitFor()
    await ann.getByRole('link', { name: 'Calendar', exact: true }).click()
    const here = (page: Page) => page.getByRole('list', { name: 'People here' })
    await here(ann).getByRole('img', { name: 'Bob' }).waitFor({ timeout: SECOND })

    // Ann drags the event one day on; Bob sees it move.
    const event = dayCell(ann, berlinDate(day)).getByText('Weekend trip')
    const from = await event.boundingBox()
    const to = await dayCell(ann, berlinDate(day + 1)).boundingBox()
    if (!from || !to) throw new Error('the event or the next day is not on screen')
    await ann.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
    await ann.mouse.down()
    await ann.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 })
    await ann.mouse.up()
    await dayCell(ann, berlinDate(day + 1))
      .getByText('Weekend trip')
      .waitFor()
    await dayCell(bob, berlinDate(day + 1))
      .getByText('Weekend trip')
      .waitFor({ timeout: SECOND })

    // Both open the planning space and see each other there.
    for (const page of [ann, bob]) {
      await dayCell(page, berlinDate(day + 1))
        .getByText('Weekend trip')
        .click()
      await page.getByRole('link', { name: 'Open planning space' }).click()
      await page.getByRole('textbox', { name: 'Notes' }).waitFor()
    }
    await here(ann).getByRole('img', { name: 'Bob' }).waitFor({ timeout: SECOND })
    await here(bob).getByRole('img', { name: 'Ann' }).waitFor({ timeout: SECOND })

    // Ann writes notes: Bob sees that she is typing and what she wrote.
    await ann.getByRole('textbox', { name: 'Notes' }).click()
    await ann.keyboard.type('Bring sandwiches')
    await bob.getByText('Ann is typing…').waitFor({ timeout: SECOND })
    await bob.getByText('Bring sandwiches').waitFor({ timeout: SECOND })

    // Bob adds a task: Ann sees it.
    await bob.getByLabel('New task').fill('Book the hut')
    await bob.getByRole('button', { name: 'Add task' }).click()
    await ann.getByText('Book the hut').waitFor({ timeout: SECOND })
    await screenshot(ann, 'event-page-together')

    expect(ann.errors()).toEqual([])
    expect(bob.errors()).toEqual([])
    await annContext.close()
    await bobContext.close()
  }, 120_000)
})
