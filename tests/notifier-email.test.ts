// Reminders by email from the embedded process, to a real SMTP server the
// test runs on loopback: a user who turned email on gets the reminder once
// by email (and in-app); a member who did not, only in-app.
import { createClient, createMemoryStore, type PlansyncClient } from '@plansync/client-sdk'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  embeddedMain,
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'
import { waitFor } from './utils/wait.ts'

const MINUTE = 60_000
const wallAt = (ms: number) => new Date(ms).toISOString().slice(0, 16)

interface Received {
  to: string[]
  text: string
}

describe('reminders by email', () => {
  const mails: Received[] = []
  let smtp: SMTPServer
  let smtpPort = 0
  let server: SyncProcess
  const clients: PlansyncClient[] = []

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            text: Buffer.concat(chunks).toString('utf8'),
          })
          callback()
        })
      },
    })
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
    smtpPort = (smtp.server.address() as { port: number }).port
    server = await startSyncProcess({
      main: embeddedMain,
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        MAIL_FROM: 'plansync <reminders@plansync.test>',
      },
    })
  })
  afterAll(async () => {
    for (const client of clients) await client.close()
    if (server) {
      await stopSyncProcess(server)
      await removeDataDir(server)
    }
    await new Promise<void>((resolve) => smtp.close(() => resolve()))
  })

  function client(): PlansyncClient {
    const made = createClient({ url: server.url, store: createMemoryStore() })
    clients.push(made)
    return made
  }

  it('emails the reminder once to those who turned email on, and everyone gets it in-app', {
    timeout: 120_000,
  }, async () => {
    const ann = client()
    const bob = client()
    await ann.register({
      username: 'mail-ann',
      password: 'a long password for ann',
      email: 'ann@family.test',
    })
    const bobUser = await bob.register({
      username: 'mail-bob',
      password: 'a long password for bob',
      email: 'bob@family.test',
    })
    const prefs = await ann.openPrefs()
    prefs.setNotifications({ email: true })
    await waitFor(() => prefs.status.pending === 0, "ann's choice saved")
    const { calendar } = await ann.api.createCalendar({ name: 'Family', timeZone: 'UTC' })
    const { link } = await ann.api.invite(calendar.id, { username: 'mail-bob', role: 'editor' })
    await bob.api.acceptInvite(link.split('/invite/')[1] as string)

    const family = await ann.openCalendar(calendar.id)
    const start = Math.ceil((Date.now() + 63_000) / MINUTE) * MINUTE
    family.createEvent({
      title: 'Swimming',
      start: wallAt(start),
      end: wallAt(start + 60 * MINUTE),
      timeZone: 'UTC',
      reminders: [1],
      location: 'Lido',
    })
    const bobInbox = await bob.openInbox()
    await waitFor(() => mails.length > 0, 'the email', start - Date.now() + 15_000)
    await waitFor(() => bobInbox.entries().length > 0, "bob's in-app reminder", 10_000)
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    expect(mails).toHaveLength(1)
    expect(mails[0]?.to).toEqual(['ann@family.test'])
    expect(mails[0]?.text).toMatch(/^Subject: Swimming: /m)
    expect(mails[0]?.text).toContain('Where: Lido')
    expect(mails[0]?.text).toMatch(/^X-Plansync-Idempotency-Key:\s+\S/im)
    expect(bobInbox.entries().map((entry) => entry.title)).toEqual([
      expect.stringMatching(/^Swimming: /),
    ])
    expect(bobUser.email).toBe('bob@family.test')
  })
})
