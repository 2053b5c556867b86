import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SchemaError } from './issues.ts'
import {
  readCalendarPrefs,
  readNotificationPrefs,
  readOwnReminders,
  setCalendarPrefs,
  setNotificationPrefs,
  setOwnReminders,
} from './prefs-doc.ts'

describe('per-user prefs doc', () => {
  it('keeps colours, hidden calendars and own reminders, per occurrence if asked', () => {
    const doc = new Y.Doc()
    setCalendarPrefs(doc, 'family', { colour: '#ff0000' })
    setCalendarPrefs(doc, 'work', { hidden: true })
    expect(readCalendarPrefs(doc)).toEqual({
      family: { colour: '#ff0000', hidden: false },
      work: { colour: null, hidden: true },
    })
    expect(readOwnReminders(doc, 'picnic')).toBeUndefined()
    setOwnReminders(doc, 'picnic', [60, 10])
    setOwnReminders(doc, 'yoga', [], '2026-03-14T10:00')
    expect(readOwnReminders(doc, 'picnic')).toEqual([60, 10])
    expect(readOwnReminders(doc, 'yoga', '2026-03-14T10:00')).toEqual([])
    expect(readOwnReminders(doc, 'yoga', '2026-03-21T10:00')).toBeUndefined()
    setOwnReminders(doc, 'picnic', null)
    expect(readOwnReminders(doc, 'picnic')).toBeUndefined()
    expect(() => setOwnReminders(doc, 'picnic', [-1])).toThrow(SchemaError)
    expect(() => setCalendarPrefs(doc, 'family', { colour: 'red' })).toThrow(SchemaError)
  })

  it('skips hostile values', () => {
    const doc = new Y.Doc()
    doc.getMap('calendars').set('x', 'not a map')
    doc.getMap('reminders').set('e1', 'soon')
    const issues: string[] = []
    expect(readCalendarPrefs(doc, (i) => issues.push(i.path))).toEqual({})
    expect(readOwnReminders(doc, 'e1', undefined, (i) => issues.push(i.path))).toBeUndefined()
    expect(issues).toEqual(['calendars.x', 'reminders.e1'])
  })

  it('keeps notification channels with quiet defaults, refusing unknown channels and non-booleans', () => {
    const doc = new Y.Doc()
    expect(readNotificationPrefs(doc)).toEqual({ inApp: true, email: false, webhook: false })
    setNotificationPrefs(doc, { email: true })
    expect(readNotificationPrefs(doc)).toEqual({ inApp: true, email: true, webhook: false })
    expect(() => setNotificationPrefs(doc, { sms: true } as never)).toThrow(SchemaError)
    expect(() => setNotificationPrefs(doc, { email: 'yes' } as never)).toThrow(/notify\.email/)
    doc.getMap('notify').set('inApp', 'off')
    const issues: string[] = []
    expect(readNotificationPrefs(doc, (issue) => issues.push(issue.path))).toEqual({
      inApp: true,
      email: true,
      webhook: false,
    })
    expect(issues).toEqual(['notify.inApp'])
  })
})
