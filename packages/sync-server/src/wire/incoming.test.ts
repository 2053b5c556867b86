import { CloseCode } from '@plansync/protocol'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import { SyncError } from '../errors.ts'
import { decodeIncoming } from './incoming.ts'
import * as outgoing from './outgoing.ts'

/** A frame of varUints and varUint8Arrays, written in order. */
function frame(...parts: Array<number | Uint8Array>): Uint8Array {
  const encoder = encoding.createEncoder()
  for (const part of parts) {
    if (typeof part === 'number') encoding.writeVarUint(encoder, part)
    else encoding.writeVarUint8Array(encoder, part)
  }
  return encoding.toUint8Array(encoder)
}

function expectProtocolError(bytes: Uint8Array, reason: RegExp): void {
  let thrown: unknown
  try {
    decodeIncoming(bytes)
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(SyncError)
  expect((thrown as SyncError).code).toBe('protocol_error')
  expect((thrown as SyncError).closeCode).toBe(CloseCode.protocolError)
  expect((thrown as SyncError).message).toMatch(reason)
}

const payload = new Uint8Array([1, 2, 3, 250])

describe('decodeIncoming', () => {
  it('decodes each message type with its payload', () => {
    expect(decodeIncoming(frame(0, 0, payload))).toEqual({
      type: 'sync-step1',
      stateVector: payload,
    })
    expect(decodeIncoming(frame(0, 1, payload))).toEqual({ type: 'sync-step2', update: payload })
    expect(decodeIncoming(frame(0, 2, payload))).toEqual({ type: 'sync-update', update: payload })
    expect(decodeIncoming(frame(1, payload))).toEqual({ type: 'awareness', update: payload })
    expect(decodeIncoming(frame(3))).toEqual({ type: 'query-awareness' })
  })

  it('decodes what the server itself encodes, including empty payloads', () => {
    const empty = new Uint8Array(0)
    expect(decodeIncoming(outgoing.encodeSyncStep1(empty))).toEqual({
      type: 'sync-step1',
      stateVector: empty,
    })
    expect(decodeIncoming(outgoing.encodeSyncStep2(payload))).toMatchObject({ update: payload })
    expect(decodeIncoming(outgoing.encodeSyncUpdate(payload))).toMatchObject({ update: payload })
    expect(decodeIncoming(outgoing.encodeAwareness(payload))).toMatchObject({ update: payload })
  })

  it('rejects empty and truncated frames', () => {
    expectProtocolError(new Uint8Array(0), /truncated or malformed/)
    expectProtocolError(frame(0), /truncated or malformed/)
    expectProtocolError(frame(0, 2), /truncated or malformed/)
    expectProtocolError(frame(0, 2, payload).slice(0, -1), /truncated or malformed/)
    expectProtocolError(frame(1), /truncated or malformed/)
    // A varUint whose continuation bit never ends.
    expectProtocolError(new Uint8Array([0x80, 0x80]), /truncated or malformed/)
  })

  it('rejects trailing bytes after a complete message', () => {
    expectProtocolError(new Uint8Array([...frame(0, 2, payload), 0]), /trailing bytes/)
    expectProtocolError(new Uint8Array([...frame(3), 9]), /trailing bytes/)
    expectProtocolError(new Uint8Array([...frame(1, payload), ...frame(1, payload)]), /trailing/)
  })

  it('rejects unknown message and sync types', () => {
    expectProtocolError(frame(2, 0), /unknown message type 2/) // auth: server to client only
    expectProtocolError(frame(100, 5), /unknown message type 100/) // ack: server to client only
    expectProtocolError(frame(7), /unknown message type 7/)
    expectProtocolError(frame(0, 3, payload), /unknown sync message type 3/)
  })
})
