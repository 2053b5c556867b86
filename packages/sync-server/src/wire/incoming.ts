// Decodes one binary y-websocket frame from a client into a typed message.
//
//   sync step 1:     varUint(0) varUint(0) varUint8Array(stateVector)
//   sync step 2:     varUint(0) varUint(1) varUint8Array(update)
//   sync update:     varUint(0) varUint(2) varUint8Array(update)
//   awareness:       varUint(1) varUint8Array(awarenessUpdate)
//   query awareness: varUint(3)
//
// Anything else, truncated input or trailing bytes is a protocol error: the
// frame is rejected whole before any of it touches a doc.
import { MessageType, SyncMessageType } from '@plansync/protocol'
import * as decoding from 'lib0/decoding'
import { SyncError } from '../errors.ts'

export type IncomingMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }

export function decodeIncoming(frame: Uint8Array): IncomingMessage {
  const decoder = decoding.createDecoder(frame)
  let message: IncomingMessage
  try {
    message = readMessage(decoder)
  } catch (error) {
    if (error instanceof SyncError) throw error
    throw new SyncError('protocol_error', 'truncated or malformed message', { cause: error })
  }
  if (decoding.hasContent(decoder)) {
    throw new SyncError('protocol_error', 'trailing bytes after message')
  }
  return message
}

function readMessage(decoder: decoding.Decoder): IncomingMessage {
  const type = decoding.readVarUint(decoder)
  switch (type) {
    case MessageType.sync:
      return readSync(decoder)
    case MessageType.awareness:
      return { type: 'awareness', update: decoding.readVarUint8Array(decoder) }
    case MessageType.queryAwareness:
      return { type: 'query-awareness' }
    default:
      throw new SyncError('protocol_error', `unknown message type ${type}`)
  }
}

function readSync(decoder: decoding.Decoder): IncomingMessage {
  const subtype = decoding.readVarUint(decoder)
  const payload = decoding.readVarUint8Array(decoder)
  switch (subtype) {
    case SyncMessageType.step1:
      return { type: 'sync-step1', stateVector: payload }
    case SyncMessageType.step2:
      return { type: 'sync-step2', update: payload }
    case SyncMessageType.update:
      return { type: 'sync-update', update: payload }
    default:
      throw new SyncError('protocol_error', `unknown sync message type ${subtype}`)
  }
}
