// The user's own settings: colours, hidden calendars and reminders that
// replace an event's defaults; bad input refused, bad stored values skipped.
import { SchemaError } from '@plansync/schema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DocHandle } from './doc-handle.ts'
import { PrefsHandle } from './prefs-handle.ts'
import { createMemoryStore } from './storage/memory-store.ts'

async function offlinePrefs(): Promise<PrefsHandle> {
  const denied = Object.assign(new Error('offline test'), { authDenied: true })
  const handle = new DocHandle(
    'user:ann:prefs',
    createMemoryStore(),
    { url: 'ws://127.0.0.1:9/sync', getToken: () => Promise.reject(denied) },
    () => {},
  )
  await handle.open()
  return new PrefsHandle('ann', handle)
}

describe('PrefsHandle', () => {
  it('keeps colours, hidden calendars and own reminders, and undoes them', async () => {
    const prefs = await offlinePrefs()
    const changes: string[][] = []
    prefs.on('change', (_origin, what) => changes.push(what))
    prefs.setCalendar('family', { colour: '#ff8800' })
    prefs.setCalendar('work', { hidden: true })
    expect(prefs.calendars()).toEqual({
      family: { colour: '#ff8800', hidden: false },
      work: { colour: null, hidden: true },
    })
    expect(prefs.reminders('picnic')).toBeUndefined()
    prefs.setReminders('picnic', [30, 1440])
    prefs.setReminders('picnic', [], '2026-06-06T12:00')
    expect(prefs.reminders('picnic')).toEqual([30, 1440])
    // One muted occurrence; the others keep the user's list for the series.
    expect(prefs.reminders('picnic', '2026-06-06T12:00')).toEqual([])
    expect(prefs.reminders('picnic', '2026-06-13T12:00')).toEqual([30, 1440])
    prefs.setReminders('picnic', null)
    expect(prefs.reminders('picnic')).toBeUndefined()
    expect(changes.flat()).toEqual(expect.arrayContaining(['calendars', 'reminders']))
    expect(prefs.notifications()).toEqual({ inApp: true, email: false, webhook: false })
    prefs.setNotifications({ email: true })
    expect(prefs.notifications()).toEqual({ inApp: true, email: true, webhook: false })
    prefs.undoManager.stopCapturing()
    prefs.setCalendar('home', { colour: '#000000' })
    prefs.undo()
    expect(prefs.calendars().home).toBeUndefined()
    await prefs.close()
  })

  it('refuses a bad colour or reminder with a SchemaError naming the field, changing nothing', async () => {
    const prefs = await offlinePrefs()
    expect(() => prefs.setCalendar('family', { colour: 'red' })).toThrow(SchemaError)
    expect(() => prefs.setReminders('picnic', [-5])).toThrow(/reminders\.picnic/)
    expect(() => prefs.setReminders('picnic', Array(21).fill(5))).toThrow(SchemaError)
    expect(prefs.calendars()).toEqual({})
    expect(prefs.reminders('picnic')).toBeUndefined()
    await prefs.close()
  })

  it('skips malformed stored values and reports them as issues', async () => {
    const prefs = await offlinePrefs()
    const issues: string[] = []
    prefs.on('issue', (issue) => issues.push(issue.path))
    prefs.doc.getMap('calendars').set('family', 'not a map')
    prefs.doc.getMap('reminders').set('picnic', 'soon')
    const list = new Y.Array<unknown>()
    prefs.doc.getMap('reminders').set('lunch', list)
    list.push([15, 'x', -1, 60])
    expect(prefs.calendars()).toEqual({})
    expect(prefs.reminders('picnic')).toBeUndefined()
    expect(prefs.reminders('lunch')).toEqual([15, 60])
    expect(issues).toEqual(expect.arrayContaining(['calendars.family', 'reminders.picnic']))
    await prefs.close()
  })
})
