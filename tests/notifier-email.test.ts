// Reminders by email and webhook from the embedded process, to a real SMTP
// server and a webhook receiver the test runs on loopback: a user who turned
// email and webhook on gets the reminder once by email, once by a signed
// webhook and once in-app; a member who did not, only in-app.

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createClient, createMemoryStore, type PlansyncClient } from '@plansync/client-sdk'
import { verifyWebhookSignature } from '@plansync/notifier'
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
  const hooks: Array<{ body: string; headers: Record<string, string | string[] | undefined> }> = []
  let hookServer: Server
  let hookUrl = ''
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
    hookServer = createServer((request, response) => {
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        hooks.push({ body: Buffer.concat(chunks).toString('utf8'), headers: request.headers })
        response.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve))
    hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`
    server = await startSyncProcess({
      main: embeddedMain,
      env: {
        // The webhook receiver is on loopback: allowed for this test only.
        NOTIFIER_FETCH_PRIVATE_URLS: 'true',
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
    await new Promise((resolve) => hookServer.close(resolve))
  })

  function client(): PlansyncClient {
    const made = createClient({ url: server.url, store: createMemoryStore() })
    clients.push(made)
    return made
  }

  it('sends the reminder once by email and webhook to the user who chose them, and in-app to all', {
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
    const { webhook } = await ann.api.setWebhook(hookUrl)
    const prefs = await ann.openPrefs()
    prefs.setNotifications({ email: true, webhook: true })
    await waitFor(() => prefs.status.pending === 0, "ann's choice saved")
    const { calendar } = await ann.api.createCalendar({ name: 'Family', timeZone: 'UTC' })
    const { link } = await ann.api.invite(calendar.id, { username: 'mail-bob', role: 'editor' })
    await bob.api.acceptInvite(link.split('/invite/')[1] as string)

    // Bob plans the event: ann hears of it (nobody is told of their own change).
    const family = await bob.openCalendar(calendar.id)
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
    // Change notifications come the same ways (the new event, bob's invitation): reminders are the ones here.
    const reminderMails = () => mails.filter((mail) => /^Subject: Swimming: /m.test(mail.text))
    const reminderHooks = () => hooks.filter((hook) => JSON.parse(hook.body).kind === 'reminder')
    const bobsReminders = () => bobInbox.entries().filter((entry) => entry.kind === 'reminder')
    await waitFor(() => reminderMails().length > 0, 'the email', start - Date.now() + 15_000)
    await waitFor(() => bobsReminders().length > 0, "bob's in-app reminder", 10_000)
    await waitFor(() => reminderHooks().length > 0, 'the webhook', 10_000)
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    expect(reminderMails()).toHaveLength(1)
    expect(reminderMails()[0]?.to).toEqual(['ann@family.test'])
    expect(reminderMails()[0]?.text).toContain('Where: Lido')
    expect(reminderMails()[0]?.text).toMatch(/^X-Plansync-Idempotency-Key:\s+\S/im)
    expect(bobsReminders().map((entry) => entry.title)).toEqual([
      expect.stringMatching(/^Swimming: /),
    ])
    // Bob's new event by email too, once, only to ann, who chose email.
    expect(
      mails.filter((mail) => /^Subject: New in Family: Swimming/m.test(mail.text)),
    ).toHaveLength(1)
    expect(mails.every((mail) => mail.to.join() === 'ann@family.test')).toBe(true)
    expect(bobUser.email).toBe('bob@family.test')
    // One signed webhook delivery of the reminder, verified as a receiver would.
    expect(reminderHooks()).toHaveLength(1)
    const hook = reminderHooks()[0] as (typeof hooks)[number]
    expect(verifyWebhookSignature(webhook.secret, hook.headers, hook.body).ok).toBe(true)
    expect(verifyWebhookSignature('not the secret at all', hook.headers, hook.body).ok).toBe(false)
    expect(JSON.parse(hook.body)).toMatchObject({
      kind: 'reminder',
      title: expect.stringMatching(/^Swimming: /),
    })
  })
})
