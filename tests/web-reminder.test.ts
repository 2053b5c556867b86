// A reminder set in the web app's event form arrives in the user's inbox,
// in Chromium against the embedded process (notifier included), on time.
import { describe, expect, it } from 'vitest'
import {
  createCalendar,
  newContext,
  openPage,
  screenshot,
  signUp,
  useWebApp,
} from './utils/web-app.ts'

/** `YYYY-MM-DDTHH:mm` in Berlin, the browser's zone in these tests. */
function berlinWallTime(ms: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Berlin',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(ms)
      .map((part) => [part.type, part.value]),
  )
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`
}

describe('reminders in the web app', () => {
  const app = useWebApp()

  it('delivers a reminder set in the event form to the inbox', async () => {
    const context = await newContext(app.browser())
    const page = await openPage(context, app.url())
    await signUp(page, 'reminder-ann', 'Ann')
    await createCalendar(page, 'Family')

    // Starts at the first whole minute at least 65 s away; reminded 1 minute
    // before, so the reminder is due 5 to 65 s from now.
    const startMs = Math.ceil((Date.now() + 65_000) / 60_000) * 60_000
    const dueMs = startMs - 60_000
    await page.getByRole('button', { name: 'New event' }).click()
    await page.getByLabel('Title').fill('Call grandma')
    await page.getByLabel('Starts').fill(berlinWallTime(startMs))
    await page.getByLabel('Ends').fill(berlinWallTime(startMs + 30 * 60_000))
    await page.getByLabel('Reminder for everyone').selectOption({ label: '1 minute before' })
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByText('Call grandma').first().waitFor()

    // The inbox, live: the reminder appears there when it is due, not before.
    await page.getByRole('link', { name: /Inbox/ }).click()
    const reminder = page.getByText(/Call grandma \(Family\) starts in 1 minute/)
    await reminder.first().waitFor({ timeout: dueMs - Date.now() + 20_000 })
    expect(Date.now()).toBeGreaterThanOrEqual(dueMs)
    expect(Number(await page.getByTestId('unread-count').textContent())).toBeGreaterThanOrEqual(1)
    await screenshot(page, 'inbox-with-reminder')
    expect(page.errors()).toEqual([])
    await context.close()
  }, 150_000)
})
