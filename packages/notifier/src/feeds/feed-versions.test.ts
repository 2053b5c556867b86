// Feed versions on SQLite: unchanged events keep SEQUENCE and DTSTAMP, a new
// title moves only DTSTAMP, a new time or place raises SEQUENCE.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createEvent, readEvents, updateEvent } from '@plansync/schema'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { openScheduleDatabase } from '../schedule/open-schedule.ts'
import { createFeedVersionStore } from './feed-versions.ts'

describe('feed versions', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })

  it('raises SEQUENCE for time and place, DTSTAMP for any change, nothing when unchanged', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'plansync-feed-versions-'))
    const { db } = await openScheduleDatabase({ kind: 'sqlite', file: path.join(dir, 'n.sqlite') })
    cleanups.push(async () => {
      await db.destroy()
      await rm(dir, { recursive: true, force: true })
    })
    const store = createFeedVersionStore(db)
    const doc = new Y.Doc()
    createEvent(doc, 'picnic', {
      title: 'Picnic',
      start: '2026-06-06T12:00',
      end: '2026-06-06T15:00',
      timeZone: 'Europe/Berlin',
    })
    const versions = (now: number) => store.versionsOf('family', readEvents(doc), now)
    expect(await versions(1000)).toEqual(new Map([['picnic', { sequence: 0, stamp: 1000 }]]))
    expect(await versions(2000)).toEqual(new Map([['picnic', { sequence: 0, stamp: 1000 }]]))
    updateEvent(doc, 'picnic', { title: 'Big picnic' })
    expect(await versions(3000)).toEqual(new Map([['picnic', { sequence: 0, stamp: 3000 }]]))
    updateEvent(doc, 'picnic', { start: '2026-06-06T13:00', end: '2026-06-06T16:00' })
    expect(await versions(4000)).toEqual(new Map([['picnic', { sequence: 1, stamp: 4000 }]]))
    updateEvent(doc, 'picnic', { location: 'Riverside park' })
    expect((await versions(5000)).get('picnic')).toEqual({ sequence: 2, stamp: 5000 })
    // Other calendars are separate.
    expect((await store.versionsOf('work', readEvents(doc), 6000)).get('picnic')).toEqual({
      sequence: 0,
      stamp: 6000,
    })
  })
})
