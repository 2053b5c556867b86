// Encoders for the frames the server sends (see incoming.ts for the format).
import { MessageType, SyncMessageType } from '@plansync/protocol'
import * as encoding from 'lib0/encoding'

function encodeSync(subtype: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, subtype)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return encodeSync(SyncMessageType.step1, stateVector)
}

export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return encodeSync(SyncMessageType.step2, update)
}

export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return encodeSync(SyncMessageType.update, update)
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.awareness)
  encoding.writeVarUint8Array(encoder, update)
  return encoding.toUint8Array(encoder)
}
