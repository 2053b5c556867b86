import { describe, expect, it } from 'vitest'
import {
  calendarDocName,
  docNameFromPath,
  eventDocName,
  inboxDocName,
  MAX_DOC_NAME_LENGTH,
  parseDocName,
  prefsDocName,
} from './doc-name.ts'

describe('doc names', () => {
  it('parses the four kinds and round-trips the builders', () => {
    expect(parseDocName(calendarDocName('family'))).toEqual({
      kind: 'calendar',
      id: 'family',
      name: 'calendar:family',
    })
    expect(parseDocName(eventDocName('e_1-2'))).toEqual({
      kind: 'event',
      id: 'e_1-2',
      name: 'event:e_1-2',
    })
    expect(parseDocName(inboxDocName('u1'))).toEqual({
      kind: 'inbox',
      id: 'u1',
      name: 'user:u1:inbox',
    })
    expect(parseDocName(prefsDocName('u1'))).toEqual({
      kind: 'prefs',
      id: 'u1',
      name: 'user:u1:prefs',
    })
  })

  it('rejects anything else', () => {
    for (const bad of [
      '',
      'calendar:',
      'calendar:a b',
      'calendar:a/b',
      'calendar:a:b',
      'note:x',
      'user:x',
      'user::inbox',
      `calendar:${'a'.repeat(65)}`,
      "calendar:x'; drop table updates; --",
      'calendar:\u00e9',
      'CALENDAR:x',
      ' calendar:x',
    ]) {
      expect(parseDocName(bad), bad).toBeUndefined()
    }
    expect(parseDocName(`calendar:${'a'.repeat(MAX_DOC_NAME_LENGTH)}`)).toBeUndefined()
  })

  it('reads the doc name from a URL path, percent-encoded or not', () => {
    expect(docNameFromPath('/calendar:family')?.name).toBe('calendar:family')
    expect(docNameFromPath('/calendar%3Afamily')?.name).toBe('calendar:family')
    expect(docNameFromPath('/user%3Aann%3Ainbox')?.kind).toBe('inbox')
    expect(docNameFromPath('/%E0%A4%A')).toBeUndefined()
    expect(docNameFromPath('/calendar:family/extra')).toBeUndefined()
  })
})
