// SMTP settings from one URL (`smtp://user:pass@host:587`, `smtps://...:465`)
// and a sender (`plans@example.org` or `Family plans <plans@example.org>`), as
// operators write them in environment variables.
import type SMTPTransport from 'nodemailer/lib/smtp-transport'

export function smtpOptionsFromUrl(value: string): SMTPTransport.Options {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error('SMTP_URL: not a URL (use smtp://user:password@host:port)')
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error('SMTP_URL: use smtp:// or smtps://')
  }
  const secure = url.protocol === 'smtps:'
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? {
          auth: {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          },
        }
      : {}),
  }
}

/** `Name <address>` or a bare address, as the email channel takes a sender. */
export function mailFrom(value: string): string | { name: string; address: string } {
  const named = /^\s*(.+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value)
  if (named)
    return { name: (named[1] as string).replace(/^"|"$/g, ''), address: named[2] as string }
  if (/^[^<>\s]+@[^<>\s]+$/.test(value.trim())) return value.trim()
  throw new Error(`MAIL_FROM: not an address or "Name <address>": ${value}`)
}
