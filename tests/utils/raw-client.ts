// A bare y-websocket protocol client for tests that need to send exact bytes
// (malformed frames, forged awareness) or watch exact frames and acks.
import { MessageType, SyncMessageType } from '@plansync/protocol'
import * as decoding from 'lib0/decoding'
import { WebSocket } from 'ws'
import { waitFor } from './wait.ts'

export type ReceivedFrame =
  | { type: 'sync-step1' | 'sync-step2' | 'sync-update'; payload: Uint8Array }
  | { type: 'awareness'; payload: Uint8Array }
  | { type: 'ack'; count: number }
  | { type: 'other'; bytes: Uint8Array }

export interface RawClient {
  ws: WebSocket
  frames: ReceivedFrame[]
  /** Set once the socket closed. */
  closed: { code: number; reason: string } | undefined
  send(frame: Uint8Array | string): void
  waitForFrame(
    match: (frame: ReceivedFrame) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<ReceivedFrame>
  waitForClose(timeoutMs?: number): Promise<{ code: number; reason: string }>
  close(): Promise<void>
}

export async function connectRaw(
  url: string,
  options: { origin?: string } = {},
): Promise<RawClient> {
  const ws = new WebSocket(url, options.origin ? { origin: options.origin } : {})
  const client: RawClient = {
    ws,
    frames: [],
    closed: undefined,
    send: (frame) => ws.send(frame),
    async waitForFrame(match, what, timeoutMs = 5_000) {
      await waitFor(() => client.frames.some(match), what, timeoutMs)
      return client.frames.find(match) as ReceivedFrame
    },
    async waitForClose(timeoutMs = 5_000) {
      await waitFor(() => client.closed !== undefined, 'socket close', timeoutMs)
      return client.closed as { code: number; reason: string }
    },
    async close() {
      if (client.closed) return
      ws.close()
      await client.waitForClose().catch(() => ws.terminate())
    },
  }
  ws.on('message', (data: Buffer) => client.frames.push(decodeFrame(new Uint8Array(data))))
  ws.on('close', (code, reason) => {
    client.closed = { code, reason: reason.toString() }
  })
  ws.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('close', () => resolve())
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`upgrade refused: ${res.statusCode}`)),
    )
  })
  return client
}

export function decodeFrame(bytes: Uint8Array): ReceivedFrame {
  try {
    const decoder = decoding.createDecoder(bytes)
    const type = decoding.readVarUint(decoder)
    if (type === MessageType.sync) {
      const sub = decoding.readVarUint(decoder)
      const payload = decoding.readVarUint8Array(decoder)
      const names = {
        [SyncMessageType.step1]: 'sync-step1',
        [SyncMessageType.step2]: 'sync-step2',
        [SyncMessageType.update]: 'sync-update',
      } as const
      const name = names[sub as 0 | 1 | 2]
      if (name) return { type: name, payload }
    }
    if (type === MessageType.awareness)
      return { type: 'awareness', payload: decoding.readVarUint8Array(decoder) }
    if (type === MessageType.ack) return { type: 'ack', count: decoding.readVarUint(decoder) }
  } catch {
    // fall through: not a frame this client understands
  }
  return { type: 'other', bytes }
}
