// The web app in the cluster topology, in Chromium: served by its own static
// service behind the front nginx (as in docker-compose.yml), talking to the
// auth API and three sync servers on Postgres and Redis through the same
// proxy. Two devices of one user share a calendar; the sync server holding
// it is killed (kill -9) and the app carries on through another.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './utils/browser.ts'
import { startCluster, type TestCluster } from './utils/cluster.ts'
import { stopSyncProcess } from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'
import { createCalendar, newContext, openPage, signUp } from './utils/web-app.ts'

describe('the web app in the cluster', () => {
  let cluster: TestCluster
  let browser: Browser
  beforeAll(async () => {
    cluster = await startCluster({ withAuth: true, withNotifier: true, withWeb: true })
    browser = await launchChromium()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await cluster?.stop()
  })

  it('is served by its static service and keeps working when a sync server dies', async () => {
    const url = cluster.nginx.url
    // The app's own routes fall back to index.html; the shell is revalidated, assets are immutable.
    const deep = await fetch(`${url}/calendars/abc/settings`)
    expect(deep.status).toBe(200)
    expect(deep.headers.get('cache-control')).toBe('no-cache')
    const html = await deep.text()
    const asset = /\/assets\/[^"]+\.js/.exec(html)?.[0]
    expect(asset).toBeDefined()
    const script = await fetch(`${url}${asset}`)
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')

    const laptop = await newContext(browser)
    const phone = await newContext(browser, { width: 390, height: 844 })
    const a = await openPage(laptop, url)
    await signUp(a, 'cluster-ann', 'Ann')
    await createCalendar(a, 'Family')
    const href = await a.getByRole('link', { name: 'Settings of Family' }).getAttribute('href')
    const docName = `calendar:${href?.split('/')[2]}`
    await a.getByRole('button', { name: 'New event' }).click()
    await a.getByLabel('Title').fill('Before the crash')
    await a.getByRole('button', { name: 'Save' }).click()

    const b = await openPage(phone, url)
    await b.getByLabel('Username').fill('cluster-ann')
    await b.getByLabel('Password').fill('cluster-ann has a long passphrase')
    await b.getByRole('button', { name: 'Sign in' }).click()
    await b.getByText('Before the crash').first().waitFor()

    // kill -9 the instance holding the calendar; both devices reconnect through nginx.
    const holders = await cluster.holders(docName)
    expect(holders.length).toBeGreaterThan(0)
    for (const i of holders) {
      const victim = cluster.instances[i]
      if (victim) await stopSyncProcess(victim, 'SIGKILL')
    }
    await a.getByRole('button', { name: 'New event' }).click()
    await a.getByLabel('Title').fill('After the crash')
    await a.getByRole('button', { name: 'Save' }).click()
    await b.getByText('After the crash').first().waitFor({ timeout: 30_000 })
    const status = a.getByTestId('sync-status')
    await expect.poll(() => status.getAttribute('data-pending'), { timeout: 15_000 }).toBe('0')

    // Both events are in storage.
    await waitFor(
      async () => {
        const events = (await cluster.storedDoc(docName)).getMap('events')
        const titles = [...events.values()].map((event) =>
          (event as { get(k: string): unknown }).get('title'),
        )
        return titles.includes('Before the crash') && titles.includes('After the crash')
      },
      'both events stored',
      10_000,
    )

    expect(a.errors()).toEqual([])
    expect(b.errors()).toEqual([])
    await laptop.close()
    await phone.close()
  }, 120_000)
})
