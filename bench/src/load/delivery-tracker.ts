// Matches received updates to their send times, for delivery ratio and latency.
//
// Every simulated client lives in this one process, so a send time is simply
// recorded per (clientID, clock) when an update is minted. A receiver reads the
// clock ranges an update covers with Y.parseUpdateMeta, which also works when
// the server merged several updates into one message. Only sends of the current
// window count, so late deliveries from an earlier step cannot inflate a later one.
import * as Y from 'yjs'

export interface WindowCounts {
  expected: number
  received: number
  latenciesMs: number[]
}

export interface DeliveryTracker {
  /** False between windows: receives are then ignored, and cost nothing. */
  readonly armed: boolean
  beginWindow(): void
  endWindow(): WindowCounts
  readonly counts: Readonly<WindowCounts>
  recordSend(clientId: number, clock: number, expectedReceivers: number): void
  recordReceive(receiverId: number, update: Uint8Array): void
}

interface SenderLog {
  sentAt: number[]
  windowOf: number[]
}

export function createDeliveryTracker(): DeliveryTracker {
  const senders = new Map<number, SenderLog>()
  // receiver -> sender -> the next clock not yet counted, so a range that
  // arrives twice (e.g. in an update and again in a step 2) counts once.
  const nextClock = new Map<number, Map<number, number>>()
  let window = 0
  let armed = false
  let counts: WindowCounts = { expected: 0, received: 0, latenciesMs: [] }

  const senderLog = (clientId: number): SenderLog => {
    let log = senders.get(clientId)
    if (log === undefined) {
      log = { sentAt: [], windowOf: [] }
      senders.set(clientId, log)
    }
    return log
  }

  return {
    get armed() {
      return armed
    },
    get counts() {
      return counts
    },
    beginWindow() {
      window += 1
      armed = true
      counts = { expected: 0, received: 0, latenciesMs: [] }
    },
    endWindow() {
      armed = false
      return counts
    },
    recordSend(clientId, clock, expectedReceivers) {
      const log = senderLog(clientId)
      log.sentAt[clock] = performance.now()
      log.windowOf[clock] = armed ? window : 0
      if (armed) counts.expected += expectedReceivers
    },
    recordReceive(receiverId, update) {
      if (!armed) return
      const receivedAt = performance.now()
      const { from, to } = Y.parseUpdateMeta(update)
      let seen = nextClock.get(receiverId)
      if (seen === undefined) {
        seen = new Map()
        nextClock.set(receiverId, seen)
      }
      for (const [senderId, fromClock] of from) {
        const log = senders.get(senderId)
        if (senderId === receiverId || log === undefined) continue
        const toClock = to.get(senderId) ?? fromClock
        for (let clock = Math.max(fromClock, seen.get(senderId) ?? 0); clock < toClock; clock++) {
          const sentAt = log.sentAt[clock]
          if (sentAt === undefined || log.windowOf[clock] !== window) continue
          counts.received += 1
          counts.latenciesMs.push(receivedAt - sentAt)
        }
        seen.set(senderId, Math.max(toClock, seen.get(senderId) ?? 0))
      }
    },
  }
}
