// SMTP settings from one URL (`smtp://user:pass@host:587`, `smtps://...:465`),
// as operators write them in an environment variable.
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
