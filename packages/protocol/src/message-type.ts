// Top-level y-websocket message types. The first varUint of every binary frame
// names one of these; 0-3 are the stock y-websocket protocol, the rest are
// plansync extensions that stock clients ignore (they only log them).
//
//   sync:           varUint(0) · y-protocols/sync message (step 1, step 2, update)
//   awareness:      varUint(1) · varUint8Array(y-protocols/awareness update)
//   auth:           varUint(2) · y-protocols/auth message (permission denied)
//   queryAwareness: varUint(3)
//   ack:            varUint(100) · varUint(count), see ack.ts

export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  ack: 100,
} as const

export type MessageType = (typeof MessageType)[keyof typeof MessageType]

/** Sub-types of a `sync` message, as in y-protocols/sync. */
export const SyncMessageType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const

export type SyncMessageType = (typeof SyncMessageType)[keyof typeof SyncMessageType]
