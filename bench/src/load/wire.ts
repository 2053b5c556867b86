// Frames of the two sync dialects the load generator speaks, encoders beside their decoder.
//
// y-websocket (ours and @y/websocket-server), one doc per socket:
//   sync:      varUint(0) · varUint(sub) · varUint8Array(payload)
//              sub 0 = step 1 (payload: state vector), 1 = step 2 (update), 2 = update
//   awareness: varUint(1) · ...        (ignored here, as are plansync's extensions)
//
// Hocuspocus: every frame starts with varString(docName); then the same type
// numbers, plus auth (2) which must come first from the client:
//   auth:      varString(doc) · varUint(2) · varUint(0 = token) · varString(token)
//   sync:      varString(doc) · varUint(0 | 4 = sync reply) · y-protocols sync message
//   8 = sync status (ack of an update), 9/10 = ping/pong: ignored here.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

export type DialectName = 'y-websocket' | 'hocuspocus'

export type SyncKind = 'step1' | 'step2' | 'update'

export interface SyncFrame {
  kind: SyncKind
  payload: Uint8Array
}

export interface Dialect {
  /** The frames a client sends right after the socket opens. */
  encodeOpening(docName: string, stateVector: Uint8Array): Uint8Array[]
  encodeSync(docName: string, kind: SyncKind, payload: Uint8Array): Uint8Array
  /** Returns the sync message of a frame, or undefined for anything else. */
  decodeSync(frame: Uint8Array): SyncFrame | undefined
}

const MESSAGE_SYNC = 0
const MESSAGE_AUTH = 2
const MESSAGE_SYNC_REPLY = 4
const AUTH_TOKEN = 0
const KIND_BY_NUMBER: readonly SyncKind[] = ['step1', 'step2', 'update']

export function createDialect(name: DialectName): Dialect {
  const prefixed = name === 'hocuspocus'
  const encodeSync = (docName: string, kind: SyncKind, payload: Uint8Array) => {
    const encoder = encoding.createEncoder()
    if (prefixed) encoding.writeVarString(encoder, docName)
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    encoding.writeVarUint(encoder, KIND_BY_NUMBER.indexOf(kind))
    encoding.writeVarUint8Array(encoder, payload)
    return encoding.toUint8Array(encoder)
  }
  return {
    encodeSync,
    encodeOpening(docName, stateVector) {
      const step1 = encodeSync(docName, 'step1', stateVector)
      return prefixed ? [encodeHocuspocusAuth(docName), step1] : [step1]
    },
    decodeSync(frame) {
      const decoder = decoding.createDecoder(frame)
      if (prefixed) decoding.readVarString(decoder)
      const type = decoding.readVarUint(decoder)
      if (type !== MESSAGE_SYNC && !(prefixed && type === MESSAGE_SYNC_REPLY)) return undefined
      const kind = KIND_BY_NUMBER[decoding.readVarUint(decoder)]
      if (kind === undefined) return undefined
      return { kind, payload: decoding.readVarUint8Array(decoder) }
    },
  }
}

function encodeHocuspocusAuth(docName: string): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarString(encoder, docName)
  encoding.writeVarUint(encoder, MESSAGE_AUTH)
  encoding.writeVarUint(encoder, AUTH_TOKEN)
  // A stock server without an onAuthenticate hook accepts any token.
  encoding.writeVarString(encoder, 'bench')
  return encoding.toUint8Array(encoder)
}
