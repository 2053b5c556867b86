// The SDK in a real browser (Debian's Chromium): it signs in, edits a
// calendar that syncs to a Node client, keeps working offline, keeps its
// offline edits in IndexedDB across a page reload (still counted as unsaved
// there), and merges them when the network returns. The browser bundle
// imports no Node built-ins (esbuild with platform browser would fail the
// build otherwise).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createClient } from '@plansync/client-sdk'
import { createFileStore } from '@plansync/client-sdk/node'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleForBrowser, launchChromium } from './utils/browser.ts'
import {
  embeddedMain,
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

type Sdk = typeof import('@plansync/client-sdk')
declare global {
  var plansync: Sdk
  var app: {
    client: import('@plansync/client-sdk').PlansyncClient
    calendar?: import('@plansync/client-sdk').CalendarHandle
  }
}

describe('client SDK in a real browser', () => {
  let server: SyncProcess
  let browser: Browser
  let dir: string
  beforeAll(async () => {
    server = await startSyncProcess({ main: embeddedMain })
    browser = await launchChromium()
    dir = await mkdtemp(path.join(tmpdir(), 'plansync-browser-'))
  })
  afterAll(async () => {
    await browser?.close()
    await stopSyncProcess(server)
    await removeDataDir(server)
    await rm(dir, { recursive: true, force: true })
  })

  it('syncs, works offline, survives a reload offline and merges back', async () => {
    const bundle = await bundleForBrowser('tests/browser/sdk-page.ts')
    const context = await browser.newContext()
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(String(error)))
    // The test page is served from the app's own origin, as the web app will be.
    await context.route(`${server.url}/sdk-test/**`, (route) =>
      route.request().url().endsWith('.js')
        ? route.fulfill({ contentType: 'text/javascript', body: bundle })
        : route.fulfill({
            contentType: 'text/html',
            body: '<!doctype html><script type="module" src="/sdk-test/sdk.js"></script>',
          }),
    )
    await page.goto(`${server.url}/sdk-test/`)
    await page.waitForFunction(() => 'plansync' in globalThis)

    const calendarId = await page.evaluate(async (url) => {
      const client = plansync.createClient({
        url,
        store: plansync.createIndexedDbStore({ name: 'browser-ann' }),
      })
      await client.register({ username: 'browser-ann', password: 'a long browser password' })
      const { calendar } = await client.api.createCalendar({ name: 'Browser family' })
      await client.api
        .invite(calendar.id, { username: 'node-bob', role: 'editor' })
        .catch(() => undefined)
      globalThis.app = { client, calendar: await client.openCalendar(calendar.id) }
      globalThis.app.calendar?.createEvent({
        title: 'From the browser',
        start: '2026-06-06T12:00',
        end: '2026-06-06T13:00',
        timeZone: 'Europe/Berlin',
      })
      localStorage.setItem('session', client.session ?? '')
      return calendar.id
    }, server.url)
    await page.waitForFunction(
      () => app.calendar?.status.state === 'synced' && app.calendar.status.pending === 0,
    )

    // A Node client, invited by the browser user, sees the browser's event.
    const bob = createClient({ url: server.url, store: createFileStore({ dir }) })
    await bob.register({ username: 'node-bob', password: 'a long node password' })
    const invite = await page.evaluate(
      async (id) =>
        (await app.client.api.invite(id, { username: 'node-bob', role: 'editor' })).link,
      calendarId,
    )
    await bob.api.acceptInvite(invite.split('/invite/')[1] as string)
    const bobCal = await bob.openCalendar(calendarId)
    await waitFor(
      () => bobCal.events().some((e) => e.title === 'From the browser'),
      'browser event at the Node client',
    )

    // Offline: the browser edits, reloads (the page comes from the route), and its edit is still there.
    // Offline emulation blocks new connections but may leave an open socket
    // alone, so the app also drops its connection, as a real network loss would.
    await context.setOffline(true)
    await page.evaluate(() => {
      app.calendar?.connection.disconnect()
      const event = app.calendar?.events()[0]
      if (event) app.calendar?.updateEvent(event.id, { title: 'Edited offline in the browser' })
    })
    await page.waitForFunction(
      () => app.calendar?.status.state !== 'synced' && (app.calendar?.status.pending ?? 0) > 0,
    )
    await page.reload()
    await page.waitForFunction(() => 'plansync' in globalThis)
    const afterReload = await page.evaluate(
      async ({ url, id }) => {
        const client = plansync.createClient({
          url,
          store: plansync.createIndexedDbStore({ name: 'browser-ann' }),
          session: localStorage.getItem('session'),
        })
        globalThis.app = { client, calendar: await client.openCalendar(id) }
        return {
          title: app.calendar?.events()[0]?.title,
          // Never confirmed by the server: still unsaved after the reload.
          pending: app.calendar?.status.pending,
          unsaved: client.hasUnsavedChanges(),
        }
      },
      { url: server.url, id: calendarId },
    )
    expect(afterReload.title).toBe('Edited offline in the browser')
    expect(afterReload.pending).toBeGreaterThan(0)
    expect(afterReload.unsaved).toBe(true)

    await context.setOffline(false)
    await page.evaluate(() => app.client.retryNow())
    await waitFor(
      () => bobCal.events()[0]?.title === 'Edited offline in the browser',
      'offline edit merged at the Node client',
      10_000,
    )
    await page.waitForFunction(
      () => app.calendar?.status.state === 'synced' && app.calendar.status.pending === 0,
    )
    expect(errors).toEqual([])
    await bob.close()
    await context.close()
  })
})
