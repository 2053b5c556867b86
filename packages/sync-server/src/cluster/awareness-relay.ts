// Awareness (presence) between instances holding the same doc, over pub/sub:
// it is ephemeral and renewed by clients every 15 s, so a lost message only
// delays a cursor. A doc that loads asks the others for their states once.
// Identity was stamped by the instance the client is connected to; states of
// clients on a dead instance time out at the others (y-protocols, 30 s).
import type { PubSub } from '@plansync/pubsub'
import type { Logger } from 'pino'
import * as awarenessProtocol from 'y-protocols/awareness'
import type { SharedDoc } from '../docs/shared-doc.ts'

/** The origin of awareness changes that came from another instance. */
export const REMOTE_ORIGIN = Symbol('remote instance')

interface Message {
  /** The instance that sent it. */
  o: string
  /** A base64 awareness update. */
  u?: string
  /** Asks every other holder for its clients' states. */
  q?: true
}

export class AwarenessRelay {
  #pubsub: PubSub
  #instanceId: string
  #logger: Logger
  #unsubscribe = new Map<string, Promise<() => Promise<void>>>()

  constructor(options: { pubsub: PubSub; instanceId: string; logger: Logger }) {
    this.#pubsub = options.pubsub
    this.#instanceId = options.instanceId
    this.#logger = options.logger
  }

  /** Starts exchanging `doc`'s awareness with the other instances. */
  follow(doc: SharedDoc): void {
    const channel = channelOf(doc.name)
    const subscribed = this.#pubsub.subscribe(channel, (raw) => this.#receive(doc, raw))
    this.#unsubscribe.set(doc.name, subscribed)
    subscribed
      .then(() => this.#send(doc.name, { o: this.#instanceId, q: true }))
      .catch((error: unknown) =>
        this.#logger.warn({ err: error, doc: doc.name }, 'awareness relay'),
      )
  }

  /** Publishes changes of this instance's clients. */
  publish(docName: string, update: Uint8Array): void {
    this.#send(docName, { o: this.#instanceId, u: Buffer.from(update).toString('base64') })
  }

  unfollow(docName: string): void {
    const subscribed = this.#unsubscribe.get(docName)
    this.#unsubscribe.delete(docName)
    subscribed?.then((stop) => stop()).catch(() => {})
  }

  async close(): Promise<void> {
    for (const docName of [...this.#unsubscribe.keys()]) this.unfollow(docName)
  }

  #receive(doc: SharedDoc, raw: string): void {
    let message: Message
    try {
      message = JSON.parse(raw) as Message
    } catch {
      return
    }
    if (message.o === this.#instanceId) return
    if (message.q) {
      const own = localClients(doc)
      if (own.length > 0) {
        this.publish(doc.name, awarenessProtocol.encodeAwarenessUpdate(doc.awareness, own))
      }
    }
    if (typeof message.u !== 'string') return
    try {
      awarenessProtocol.applyAwarenessUpdate(
        doc.awareness,
        Buffer.from(message.u, 'base64'),
        REMOTE_ORIGIN,
      )
    } catch (error) {
      this.#logger.warn(
        { err: error, doc: doc.name },
        'dropped a malformed remote awareness update',
      )
    }
  }

  #send(docName: string, message: Message): void {
    this.#pubsub.publish(channelOf(docName), JSON.stringify(message)).catch((error: unknown) => {
      this.#logger.debug({ err: error, doc: docName }, 'awareness not relayed')
    })
  }
}

function channelOf(docName: string): string {
  return `plansync:awareness:${docName}`
}

/** The clientIDs owned by this instance's own connections. */
function localClients(doc: SharedDoc): number[] {
  const clients: number[] = []
  for (const owned of doc.peers.values()) clients.push(...owned)
  return clients
}
