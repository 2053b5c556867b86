// Email against a real SMTP server (smtp-server) on 127.0.0.1: the shared
// channel suite, the message as received, refusals and the breaker.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterEach, describe, expect, it } from 'vitest'
import { describeChannel, notificationFor } from './channel-suite.ts'
import { withCircuitBreaker } from './circuit-breaker.ts'
import { createManualClock } from './clock.ts'
import { createEmailChannel } from './email.ts'
import { messageIdFor } from './email-message.ts'
import { withRetry } from './retry.ts'

interface ReceivedMail {
  envelope: { from: string; to: string[] }
  headers: Map<string, string>
  text: string
  html: string
}

type SmtpReply = Error & { responseCode: number }
const reply = (responseCode: number, message: string): SmtpReply =>
  Object.assign(new Error(message), { responseCode })

/** A local SMTP server that keeps what it receives and can be told to refuse. */
async function startSmtpServer() {
  const messages: ReceivedMail[] = []
  const state = { connections: 0, refuseConnections: 0, refuseRecipients: false }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      state.connections++
      if (state.refuseConnections > 0) {
        state.refuseConnections--
        return callback(reply(421, 'Service not available, try later'))
      }
      callback()
    },
    onRcptTo(_address, _session, callback) {
      if (state.refuseRecipients) return callback(reply(550, 'No such user here'))
      callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const from = session.envelope.mailFrom
        messages.push({
          envelope: {
            from: from ? from.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          },
          ...parseMail(Buffer.concat(chunks).toString('utf8')),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    port,
    messages,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Just enough MIME for nodemailer's output: unfolded headers and the decoded text/html parts. */
function parseMail(raw: string): Omit<ReceivedMail, 'envelope'> {
  const [head = '', ...rest] = raw.split('\r\n\r\n')
  const headers = parseHeaders(head)
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1]
  const parts = boundary
    ? rest
        .join('\r\n\r\n')
        .split(`--${boundary}`)
        .map((part) => {
          const [partHead = '', ...partBody] = part.replace(/^\r\n/, '').split('\r\n\r\n')
          return { headers: parseHeaders(partHead), body: partBody.join('\r\n\r\n') }
        })
    : [{ headers, body: rest.join('\r\n\r\n') }]
  const decoded = (type: string) => {
    const part = parts.find((p) => p.headers.get('content-type')?.startsWith(type))
    if (!part) return ''
    if (part.headers.get('content-transfer-encoding') === 'quoted-printable') {
      return part.body
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_m, hex: string) =>
          String.fromCharCode(Number.parseInt(hex, 16)),
        )
    }
    return part.body
  }
  return { headers, text: decoded('text/plain'), html: decoded('text/html') }
}

function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>()
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
  }
  return headers
}

const smtpOptions = (port: number) => ({
  host: '127.0.0.1',
  port,
  secure: false,
  ignoreTLS: true,
  connectionTimeout: 2_000,
  greetingTimeout: 2_000,
  socketTimeout: 5_000,
})
const alice = { userId: 'u1', name: 'Alice Example', email: 'alice@example.com' }

describeChannel('email', async () => {
  const smtp = await startSmtpServer()
  const channel = createEmailChannel({
    smtp: smtpOptions(smtp.port),
    from: 'reminders@plansync.test',
  })
  return {
    channel,
    recipient: alice,
    async received() {
      return smtp.messages.map((mail) => ({
        idempotencyKey: mail.headers.get('x-plansync-idempotency-key') ?? '',
        title: mail.headers.get('subject') ?? '',
        body: mail.text,
      }))
    },
    async close() {
      await channel.close()
      await smtp.close()
    },
  }
})

describe('email channel', () => {
  let stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const stop of stops.reverse()) await stop()
    stops = []
  })
  async function setup(
    from: Parameters<typeof createEmailChannel>[0]['from'] = 'reminders@plansync.test',
  ) {
    const smtp = await startSmtpServer()
    const channel = createEmailChannel({ smtp: smtpOptions(smtp.port), from })
    stops.push(smtp.close, channel.close)
    return { smtp, channel }
  }

  it('sends from, to, subject, text, html and the idempotency key as the server receives them', async () => {
    const { smtp, channel } = await setup({ name: 'Plansync', address: 'reminders@plansync.test' })
    const key = 'ev1/2026-03-01T10:00Z/r15/u1/email'
    const result = await channel.send(notificationFor(alice), { idempotencyKey: key })
    expect(result).toMatchObject({ status: 'delivered' })

    const [mail] = smtp.messages
    expect(mail?.envelope).toEqual({ from: 'reminders@plansync.test', to: ['alice@example.com'] })
    expect(mail?.headers.get('from')).toBe('Plansync <reminders@plansync.test>')
    expect(mail?.headers.get('to')).toBe('Alice Example <alice@example.com>')
    expect(mail?.headers.get('subject')).toBe('Dentist in 15 minutes')
    expect(mail?.headers.get('x-plansync-idempotency-key')).toBe(key)
    expect(mail?.headers.get('message-id')).toBe(messageIdFor(key, 'plansync.test'))
    expect(mail?.text).toContain('Dr. Lee, Main Street 4.\r\nBring the insurance card.')
    expect(mail?.text).toContain('https://plansync.example/e/ev1')
    expect(mail?.html).toContain('<p>Dr. Lee, Main Street 4.<br>Bring the insurance card.</p>')
  })

  it('gives a retry the same Message-ID so receivers can drop the duplicate', async () => {
    const { smtp, channel } = await setup()
    await channel.send(notificationFor(alice), { idempotencyKey: 'k1' })
    await channel.send(notificationFor(alice), { idempotencyKey: 'k1' })
    await channel.send(notificationFor(alice), { idempotencyKey: 'k2' })
    const ids = smtp.messages.map((mail) => mail.headers.get('message-id'))
    expect(ids[0]).toBe(ids[1])
    expect(ids[2]).not.toBe(ids[0])
  })

  it('escapes the body in the HTML part', async () => {
    const { smtp, channel } = await setup()
    const body = '<script>alert("x")</script> & more'
    await channel.send(notificationFor(alice, { body }), { idempotencyKey: 'k1' })
    expect(smtp.messages[0]?.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more',
    )
    expect(smtp.messages[0]?.html).not.toContain('<script>')
  })

  it('refuses CR/LF and lists in the recipient with a clear error, sending nothing', async () => {
    const { smtp, channel } = await setup()
    const attempts = [
      [{ ...alice, email: 'alice@example.com\r\nBcc: eve@example.com' }, 'header-injection'],
      [{ ...alice, email: 'alice@example.com\nbcc:eve@example.com' }, 'header-injection'],
      [{ ...alice, name: 'Alice\r\nBcc: eve@example.com' }, 'header-injection'],
      [{ ...alice, email: 'alice@example.com, eve@example.com' }, 'invalid-recipient'],
      [{ ...alice, email: 'Eve <eve@example.com>' }, 'invalid-recipient'],
      [{ userId: 'u2' }, 'invalid-recipient'],
    ] as const
    for (const [recipient, code] of attempts) {
      const result = await channel.send(notificationFor(recipient), { idempotencyKey: 'k1' })
      expect(result).toMatchObject({ status: 'permanent', code })
    }
    const injection = await channel.send(notificationFor(attempts[0][0]), { idempotencyKey: 'k1' })
    expect(injection.status !== 'delivered' && injection.message).toBe(
      'recipient email contains a line break (CR/LF): refused as header injection',
    )
    expect(smtp.state.connections).toBe(0)
    expect(smtp.messages).toEqual([])
  })

  it('refuses a bad sender address when the channel is made', () => {
    expect(() =>
      createEmailChannel({ smtp: {}, from: 'x@example.com\r\nBcc: y@example.com' }),
    ).toThrow(/from contains a line break/)
    expect(() => createEmailChannel({ smtp: {}, from: 'not an address' })).toThrow(
      /from is not a single plain email address/,
    )
  })

  it('reports a server that refuses the connection (421) as retryable', async () => {
    const { smtp, channel } = await setup()
    smtp.state.refuseConnections = 1
    const result = await channel.send(notificationFor(alice), { idempotencyKey: 'k1' })
    expect(result).toMatchObject({ status: 'retryable', code: 'unavailable' })
    expect(result.status !== 'delivered' && result.message).toMatch(/421/)
  })

  it('reports a closed port as a retryable network failure', async () => {
    const { smtp } = await setup()
    await smtp.close()
    const channel = createEmailChannel({ smtp: smtpOptions(smtp.port), from: 'r@plansync.test' })
    stops.push(channel.close)
    const result = await channel.send(notificationFor(alice), { idempotencyKey: 'k1' })
    expect(result).toMatchObject({ status: 'retryable', code: 'network' })
  })

  it('reports a refused recipient (550) as permanent', async () => {
    const { smtp, channel } = await setup()
    smtp.state.refuseRecipients = true
    const result = await channel.send(notificationFor(alice), { idempotencyKey: 'k1' })
    expect(result).toMatchObject({ status: 'permanent', code: 'rejected' })
    expect(result.status !== 'delivered' && result.message).toMatch(/550/)
  })

  it('retries a refused connection and delivers once the server accepts', async () => {
    const { smtp, channel } = await setup()
    smtp.state.refuseConnections = 2
    const clock = createManualClock()
    const retrying = withRetry(channel, {
      maxAttempts: 4,
      baseDelayMs: 100,
      clock,
      random: () => 0,
    })
    const result = await retrying.send(notificationFor(alice), { idempotencyKey: 'k1' })
    expect(result).toMatchObject({ status: 'delivered' })
    expect(clock.sleeps).toEqual([50, 100])
    expect(smtp.messages).toHaveLength(1)
  })

  it('opens the breaker after repeated refusals and stops connecting until the cool-down', async () => {
    const { smtp, channel } = await setup()
    const clock = createManualClock()
    const states: string[] = []
    const breaker = withCircuitBreaker(channel, {
      failureThreshold: 3,
      coolDownMs: 60_000,
      clock,
      onStateChange: (state) => states.push(state),
    })
    smtp.state.refuseConnections = 100
    for (let i = 0; i < 3; i++) {
      expect(await breaker.send(notificationFor(alice), { idempotencyKey: `k${i}` })).toMatchObject(
        { status: 'retryable', code: 'unavailable' },
      )
    }
    expect(breaker.state()).toBe('open')
    const connections = smtp.state.connections
    const fast = await breaker.send(notificationFor(alice), { idempotencyKey: 'k3' })
    expect(fast).toEqual({
      status: 'retryable',
      code: 'circuit-open',
      message: 'email circuit is open',
      retryAfterMs: 60_000,
    })
    expect(smtp.state.connections).toBe(connections)

    smtp.state.refuseConnections = 0
    clock.advance(60_000)
    expect(breaker.state()).toBe('half-open')
    expect(await breaker.send(notificationFor(alice), { idempotencyKey: 'k3' })).toMatchObject({
      status: 'delivered',
    })
    expect(breaker.state()).toBe('closed')
    expect(states).toEqual(['open', 'closed'])
    expect(smtp.messages).toHaveLength(1)
  })
})
