import * as decoding from 'lib0/decoding'
import { describe, expect, it } from 'vitest'
import { encodeAck, readAckCount } from './ack.ts'
import { CloseCode, closeCodeName } from './close-codes.ts'
import { MessageType } from './message-type.ts'

describe('ack message', () => {
  it('round-trips its count after the ack message type', () => {
    for (const count of [0, 1, 127, 128, 2 ** 31]) {
      const decoder = decoding.createDecoder(encodeAck(count))
      expect(decoding.readVarUint(decoder)).toBe(MessageType.ack)
      expect(readAckCount(decoder)).toBe(count)
      expect(decoding.hasContent(decoder)).toBe(false)
    }
  })

  it('uses a type no stock y-websocket message uses', () => {
    expect([
      MessageType.sync,
      MessageType.awareness,
      MessageType.auth,
      MessageType.queryAwareness,
    ]).not.toContain(MessageType.ack)
  })
})

describe('close codes', () => {
  it('are unique and named', () => {
    const codes = Object.values(CloseCode)
    expect(new Set(codes).size).toBe(codes.length)
    expect(closeCodeName(4401)).toBe('unauthorized')
    expect(closeCodeName(1234)).toBeUndefined()
    for (const code of codes)
      expect(
        code === 1000 || (code >= 1001 && code <= 1015) || (code >= 4000 && code <= 4999),
      ).toBe(true)
  })
})
