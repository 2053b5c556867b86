// iCal feed links end to end in the embedded process: the SDK makes a link,
// any calendar app (here: fetch) reads text/calendar from it, with a strong
// ETag, 304 when nothing changed, the change after an edit, free/busy
// without titles, and 404 once rotated or revoked.
import { describe, expect, it } from 'vitest'
import { useEmbeddedServer } from './utils/sdk-harness.ts'
import { waitFor } from './utils/wait.ts'

describe('iCal feeds in the embedded process', () => {
  const harness = useEmbeddedServer()

  it('serves, caches, updates, hides details in free/busy, and stops on rotation and revocation', async () => {
    const ann = harness.client('feed-ann')
    await ann.register({ username: 'feed-ann', password: 'a long password for ann' })
    const { calendar } = await ann.api.createCalendar({ name: 'Family', timeZone: 'Europe/Berlin' })
    const family = await ann.openCalendar(calendar.id)
    const picnic = family.createEvent({
      title: 'Picnic',
      start: '2026-06-06T12:00',
      end: '2026-06-06T15:00',
      timeZone: 'Europe/Berlin',
      location: 'Riverside park',
    })
    await waitFor(() => family.status.pending === 0, 'the event saved')

    const link = await ann.api.createFeed({ calendarId: calendar.id })
    expect(link.url.startsWith(harness.server().url)).toBe(true)
    const first = await fetch(link.url)
    expect(first.status).toBe(200)
    expect(first.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
    const text = await first.text()
    expect(text).toContain(`UID:${picnic}@plansync`)
    expect(text).toContain('DTSTART;TZID=Europe/Berlin:20260606T120000')
    expect(text).toContain('SUMMARY:Picnic')
    const etag = first.headers.get('etag') as string
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/)

    // Unchanged: the same bytes, and 304 for a client that has them.
    expect(await (await fetch(link.url)).text()).toBe(text)
    expect((await fetch(link.url, { headers: { 'if-none-match': etag } })).status).toBe(304)
    const lastModified = first.headers.get('last-modified') as string
    expect((await fetch(link.url, { headers: { 'if-modified-since': lastModified } })).status).toBe(
      304,
    )

    // Moved: a new body, a higher SEQUENCE, a new ETag.
    family.moveEvent(picnic, '2026-06-06T13:00', '2026-06-06T16:00')
    await waitFor(() => family.status.pending === 0, 'the move saved')
    const moved = await fetch(link.url, { headers: { 'if-none-match': etag } })
    expect(moved.status).toBe(200)
    const movedText = await moved.text()
    expect(movedText).toContain('DTSTART;TZID=Europe/Berlin:20260606T130000')
    expect(movedText).toContain('SEQUENCE:1')
    expect(moved.headers.get('etag')).not.toBe(etag)

    // A deleted event changes the feed for If-Modified-Since clients too.
    const movedModified = moved.headers.get('last-modified') as string
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    family.deleteEvent(picnic)
    await waitFor(() => family.status.pending === 0, 'the deletion saved')
    const afterDelete = await fetch(link.url, { headers: { 'if-modified-since': movedModified } })
    expect(afterDelete.status).toBe(200)
    expect(await afterDelete.text()).not.toContain('Picnic')
    // A compressing proxy's weak tag still matches.
    const weak = `W/${afterDelete.headers.get('etag')}`
    expect((await fetch(link.url, { headers: { 'if-none-match': weak } })).status).toBe(304)

    // Free/busy: times only (an event again first).
    family.createEvent({
      title: 'Picnic',
      start: '2026-06-07T12:00',
      end: '2026-06-07T15:00',
      timeZone: 'Europe/Berlin',
      location: 'Riverside park',
    })
    await waitFor(() => family.status.pending === 0, 'the new event saved')
    const busy = await ann.api.createFeed({ calendarId: calendar.id, busyOnly: true })
    const busyText = await (await fetch(busy.url)).text()
    expect(busyText).toContain('SUMMARY:Busy')
    expect(busyText).not.toContain('Picnic')
    expect(busyText).not.toContain('Riverside')

    // Rotated: the old URL is dead; revoked: the new one too.
    const rotated = await ann.api.rotateFeed(link.feed.id)
    expect((await fetch(link.url)).status).toBe(404)
    expect((await fetch(rotated.url)).status).toBe(200)
    await ann.api.deleteFeed(link.feed.id)
    expect((await fetch(rotated.url)).status).toBe(404)
    // Guessing: malformed and unknown secrets are both a plain 404.
    expect((await fetch(`${harness.server().url}/feeds/short.ics`)).status).toBe(404)
    expect((await fetch(`${harness.server().url}/feeds/${'A'.repeat(43)}.ics`)).status).toBe(404)
  })
})
