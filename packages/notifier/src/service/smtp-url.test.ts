// SMTP settings and senders from the environment, with clear errors.
import { describe, expect, it } from 'vitest'
import { mailFrom, smtpOptionsFromUrl } from './smtp-url.ts'

describe('SMTP settings', () => {
  it('reads smtp:// and smtps:// URLs with credentials and default ports', () => {
    expect(smtpOptionsFromUrl('smtp://ann%40x:p%3Ass@mail.example:2525')).toEqual({
      host: 'mail.example',
      port: 2525,
      secure: false,
      auth: { user: 'ann@x', pass: 'p:ss' },
    })
    expect(smtpOptionsFromUrl('smtps://mail.example')).toMatchObject({ port: 465, secure: true })
    expect(smtpOptionsFromUrl('smtp://mail.example')).toMatchObject({ port: 587, secure: false })
    expect(() => smtpOptionsFromUrl('http://mail.example')).toThrow(/smtp:\/\//)
    expect(() => smtpOptionsFromUrl('not a url')).toThrow(/SMTP_URL/)
  })

  it('reads a sender as an address or as "Name <address>"', () => {
    expect(mailFrom('plans@example.org')).toBe('plans@example.org')
    expect(mailFrom('Family plans <plans@example.org>')).toEqual({
      name: 'Family plans',
      address: 'plans@example.org',
    })
    expect(mailFrom('"Plans, Inc" <plans@example.org>')).toEqual({
      name: 'Plans, Inc',
      address: 'plans@example.org',
    })
    expect(() => mailFrom('nobody')).toThrow(/MAIL_FROM/)
    expect(() => mailFrom('a <b>')).toThrow(/MAIL_FROM/)
  })
})
