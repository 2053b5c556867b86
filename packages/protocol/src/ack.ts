// The durable-commit acknowledgement, a plansync extension of y-websocket.
//
// Wire format:  varUint(MessageType.ack) · varUint(count)
//
// `count` is the number of update-carrying messages (sync step 2 and sync
// update) this connection has sent that are now committed to storage,
// counted from the start of the connection. A client that tracks how many
// it sent knows exactly which of its local updates are saved. Acks are only
// sent to connections that opted in with the `ack=1` URL query parameter,
// so stock y-websocket clients never see them.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MessageType } from './message-type.ts'

export const ACK_QUERY_PARAM = 'ack'

export function encodeAck(count: number): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.ack)
  encoding.writeVarUint(encoder, count)
  return encoding.toUint8Array(encoder)
}

/** Reads the count of an ack message whose type varUint was already read. */
export function readAckCount(decoder: decoding.Decoder): number {
  return decoding.readVarUint(decoder)
}
