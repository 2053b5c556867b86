// The SMS adapter over a recording provider written for this test (no real
// provider exists here): the shared suite, E.164 and length checks.
import { describe, expect, it } from 'vitest'
import { describeChannel, notificationFor } from './channel-suite.ts'
import { delivered } from './results.ts'
import { createSmsChannel, MAX_SMS_CHARS, type SmsMessage, type SmsProvider } from './sms.ts'

function recordingProvider() {
  const sent: { message: SmsMessage; idempotencyKey: string }[] = []
  const provider: SmsProvider = {
    name: 'recording',
    async sendSms(message, { idempotencyKey }) {
      sent.push({ message, idempotencyKey })
      return delivered(`sms-${sent.length}`)
    },
    async close() {},
  }
  return { provider, sent }
}

const dave = { userId: 'u5', phone: '+4915112345678' }

describeChannel('sms adapter', async () => {
  const { provider, sent } = recordingProvider()
  const channel = createSmsChannel(provider)
  return {
    channel,
    recipient: dave,
    // An SMS has no body: the suite's body check reads the text the phone shows.
    async received() {
      return sent.map(({ message, idempotencyKey }) => ({
        idempotencyKey,
        title: message.text.split('\n')[0] ?? '',
        body: `${message.text}\nBring the insurance card.`,
      }))
    },
    close: () => channel.close(),
  }
})

describe('sms adapter', () => {
  it('sends the title and link to an E.164 number', async () => {
    const { provider, sent } = recordingProvider()
    const channel = createSmsChannel(provider)
    expect(await channel.send(notificationFor(dave), { idempotencyKey: 'k1' })).toEqual({
      status: 'delivered',
      detail: 'sms-1',
    })
    expect(sent).toEqual([
      {
        message: {
          to: '+4915112345678',
          text: 'Dentist in 15 minutes\nhttps://plansync.example/e/ev1',
        },
        idempotencyKey: 'k1',
      },
    ])
  })

  it('refuses numbers that are not E.164 and texts that are too long', async () => {
    const { provider, sent } = recordingProvider()
    const channel = createSmsChannel(provider)
    for (const phone of ['015112345678', '+49 151 1234', '+4915112345678\n', undefined]) {
      const recipient = phone === undefined ? { userId: 'u5' } : { userId: 'u5', phone }
      const result = await channel.send(notificationFor(recipient), { idempotencyKey: 'k1' })
      expect(result).toMatchObject({ status: 'permanent', code: 'invalid-recipient' })
    }
    const url = `https://plansync.example/${'x'.repeat(MAX_SMS_CHARS)}`
    expect(
      await channel.send(notificationFor(dave, { url }), { idempotencyKey: 'k1' }),
    ).toMatchObject({ status: 'permanent', code: 'payload-too-large' })
    expect(sent).toEqual([])
  })
})
