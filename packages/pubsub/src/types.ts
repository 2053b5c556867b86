// The publish/subscribe seam. Embedded mode uses the in-process
// implementation; a cluster uses Redis. Delivery is at most once and
// unordered across channels: users of this seam must tolerate a lost
// message (the access recheck, sync step 1 resync).

export type MessageHandler = (message: string) => void

export interface PubSub {
  /** Which implementation this is, for logs and readiness. */
  readonly kind: 'memory' | 'redis'
  /** Sends `message` to every current subscriber of `channel`, in any process. */
  publish(channel: string, message: string): Promise<void>
  /** Calls `handler` for each message on `channel` until the returned function is called. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>
  /** Resolves when the backend answers. */
  ping(): Promise<void>
  close(): Promise<void>
}
