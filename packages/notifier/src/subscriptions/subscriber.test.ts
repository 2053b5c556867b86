// Subscriptions against files this test serves on loopback, into real sync
// storage (SQLite): imported, unchanged files cost a 304 and no write,
// changes and removals follow, bad or oversized files and refused addresses
// change nothing and are reported in plain words.

import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { readEvents } from '@plansync/schema'
import { createSqliteStore, type DocStore } from '@plansync/sync-server'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../channels/clock.ts'
import { createStoreDocReader } from '../service/doc-reader.ts'
import { createDocWriter } from '../service/doc-writer.ts'
import { Subscriber } from './subscriber.ts'
import type { Subscription } from './subscription-source.ts'

const vevent = (uid: string, title: string, day: string) =>
  [
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20260101T000000Z',
    `DTSTART;VALUE=DATE:${day}`,
    `SUMMARY:${title}`,
    'END:VEVENT',
  ].join('\r\n')
const ics = (...events: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...events, 'END:VCALENDAR', ''].join(
    '\r\n',
  )

describe('Subscriber', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function setup(allowPrivate = true) {
    const files = new Map<string, { body: string; etag: string }>()
    const hits: Array<{ path: string; status: number }> = []
    const http: Server = createServer((request, response) => {
      const path = request.url ?? '/'
      if (path === '/moved.ics') {
        hits.push({ path, status: 302 })
        response.writeHead(302, { location: '/holidays.ics' }).end()
        return
      }
      if (path === '/to-ftp.ics') {
        response.writeHead(302, { location: 'ftp://x.example/a.ics' }).end()
        return
      }
      const file = files.get(path)
      if (!file) {
        response.writeHead(404).end()
        return
      }
      const status = request.headers['if-none-match'] === file.etag ? 304 : 200
      hits.push({ path, status })
      response.writeHead(status, { etag: file.etag, 'content-type': 'text/calendar' })
      response.end(status === 200 ? file.body : undefined)
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
    const dir = await mkdtemp(path.join(tmpdir(), 'plansync-subs-'))
    const store: DocStore = createSqliteStore({ file: path.join(dir, 'docs.sqlite') })
    await store.migrate()
    cleanups.push(async () => {
      await new Promise((resolve) => http.close(resolve))
      await store.close()
      await rm(dir, { recursive: true, force: true })
    })
    const reports: Array<string | null> = []
    const subscriber = new Subscriber({
      source: {
        list: async () => [],
        report: async (_id, outcome) => void reports.push(outcome.error),
      },
      writer: createDocWriter({ store, announce: () => {} }),
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      intervalMs: 60_000,
      allowPrivate,
      maxBytes: 4096,
    })
    const reader = createStoreDocReader(store)
    const titles = async () =>
      readEvents(await reader.read('calendar:family'))
        .map((e) => e.title)
        .sort()
    const sub = (file: string): Subscription => ({
      id: 'sub-1',
      calendarId: 'family',
      url: `${base}${file}`,
      timeZone: 'Europe/Berlin',
    })
    return { files, hits, subscriber, reports, titles, sub, store }
  }

  it('imports, skips an unchanged file with a 304, and follows changes and removals', async () => {
    const { files, hits, subscriber, reports, titles, sub, store } = await setup()
    files.set('/holidays.ics', {
      body: ics(vevent('h1', 'Easter Monday', '20260406'), vevent('h2', 'Labour Day', '20260501')),
      etag: '"v1"',
    })
    expect(await subscriber.refresh(sub('/moved.ics'))).toBeNull()
    expect(await titles()).toEqual(['Easter Monday', 'Labour Day'])
    const rows = (await store.load('calendar:family')).updates.length
    expect(await subscriber.refresh(sub('/holidays.ics'))).toBeNull()
    expect(hits.at(-1)).toEqual({ path: '/holidays.ics', status: 200 })
    expect(await subscriber.refresh(sub('/holidays.ics'))).toBeNull()
    expect(hits.at(-1)).toEqual({ path: '/holidays.ics', status: 304 })
    expect((await store.load('calendar:family')).updates.length).toBe(rows)

    files.set('/holidays.ics', {
      body: ics(vevent('h1', 'Easter Monday (public holiday)', '20260406')),
      etag: '"v2"',
    })
    await subscriber.refresh(sub('/holidays.ics'))
    expect(await titles()).toEqual(['Easter Monday (public holiday)'])
    expect(reports).toEqual([null, null, null, null])
  })

  it('reports bad, oversized, missing and redirected-away files, changing nothing', async () => {
    const { files, subscriber, reports, titles, sub } = await setup()
    files.set('/good.ics', { body: ics(vevent('g1', 'Kept', '20260601')), etag: '"g"' })
    await subscriber.refresh(sub('/good.ics'))
    files.set('/bad.ics', { body: 'BEGIN:VCALENDAR\r\nnonsense', etag: '"b"' })
    files.set('/big.ics', {
      body: ics(
        ...Array.from({ length: 40 }, (_, i) => vevent(`x${i}`, 'x'.repeat(80), '20260601')),
      ),
      etag: '"x"',
    })
    expect(await subscriber.refresh(sub('/bad.ics'))).toMatch(/not an iCalendar file/)
    expect(await subscriber.refresh(sub('/big.ics'))).toMatch(/larger than 4 KiB/)
    expect(await subscriber.refresh(sub('/missing.ics'))).toMatch(/answered 404/)
    expect(await subscriber.refresh(sub('/to-ftp.ics'))).toMatch(/only http\(s\)/)
    expect(await titles()).toEqual(['Kept'])
    expect(reports.slice(1)).toHaveLength(4)
  })

  it('refuses private and loopback addresses outside tests', async () => {
    const { subscriber, sub, titles } = await setup(false)
    expect(await subscriber.refresh(sub('/holidays.ics'))).toMatch(/private or local address/)
    expect(await titles()).toEqual([])
  })
})
