// DocSync's connection lifecycle against a scripted fake socket: a fresh
// token per attempt, one attempt at a time, a connect timeout, Retry-After,
// needs-auth without a retry loop, and the pending count driven by acks.
import { encodeAck } from '@plansync/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { DocSync } from './doc-sync.ts'

class FakeSocket {
  static instances: FakeSocket[] = []
  static CONNECTING = 0
  static OPEN = 1
  readonly CONNECTING = 0
  readonly OPEN = 1
  readyState = 0
  binaryType = ''
  sent: Uint8Array[] = []
  onopen: (() => void) | null = null
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null
  onclose: ((event: { code: number }) => void) | null = null
  onerror: (() => void) | null = null
  readonly url: string
  constructor(url: string) {
    this.url = url
    FakeSocket.instances.push(this)
  }
  send(frame: Uint8Array) {
    this.sent.push(frame)
  }
  close() {
    this.readyState = 3
  }
  open() {
    this.readyState = 1
    this.onopen?.()
  }
  receive(frame: Uint8Array) {
    this.onmessage?.({ data: frame.slice().buffer })
  }
  drop(code: number) {
    this.readyState = 3
    this.onclose?.({ code })
  }
}

function setup(getToken: () => Promise<string>) {
  const doc = new Y.Doc()
  const sync = new DocSync({
    url: 'ws://example.test/sync',
    docName: 'calendar:c1',
    doc,
    awareness: new Awareness(doc),
    getToken,
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    backoff: { initialMs: 100, maxMs: 1_000, random: () => 1 },
  })
  return { doc, sync }
}

describe('DocSync lifecycle', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    FakeSocket.instances = []
  })
  afterEach(() => vi.useRealTimers())

  it('asks for a token before every attempt and backs off between failures', async () => {
    let tokens = 0
    const { sync } = setup(async () => `t${++tokens}`)
    sync.connect()
    await vi.advanceTimersByTimeAsync(0)
    expect(FakeSocket.instances[0]?.url).toContain('token=t1')
    FakeSocket.instances[0]?.drop(1006)
    expect(sync.status.state).toBe('offline')
    await vi.advanceTimersByTimeAsync(99)
    expect(FakeSocket.instances).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.instances[1]?.url).toContain('token=t2')
    sync.destroy()
  })

  it('gives up a connection that never opens, and starts one attempt at a time', async () => {
    const { sync } = setup(async () => 't')
    sync.connect()
    sync.disconnect()
    sync.connect()
    await vi.advanceTimersByTimeAsync(0)
    expect(FakeSocket.instances).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(sync.status.state).toBe('offline')
    await vi.advanceTimersByTimeAsync(100)
    expect(FakeSocket.instances).toHaveLength(2)
    sync.destroy()
  })

  it('waits as long as Retry-After says when the token request is rate limited', async () => {
    let calls = 0
    const { sync } = setup(async () => {
      calls += 1
      if (calls === 1) throw Object.assign(new Error('429'), { retryAfterMs: 5_000 })
      return 't'
    })
    sync.connect()
    await vi.advanceTimersByTimeAsync(4_999)
    expect(FakeSocket.instances).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.instances).toHaveLength(1)
    sync.destroy()
  })

  it('after an auth refusal tries one fresh token, then moves to needs-auth without a loop', async () => {
    let tokens = 0
    const { sync } = setup(async () => `t${++tokens}`)
    sync.connect()
    await vi.advanceTimersByTimeAsync(0)
    FakeSocket.instances[0]?.open()
    FakeSocket.instances[0]?.drop(4403)
    await vi.advanceTimersByTimeAsync(0)
    expect(FakeSocket.instances[1]?.url).toContain('token=t2')
    FakeSocket.instances[1]?.open()
    FakeSocket.instances[1]?.drop(4403)
    expect(sync.status.state).toBe('needs-auth')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.instances).toHaveLength(2)
    sync.retryNow()
    await vi.advanceTimersByTimeAsync(0)
    expect(FakeSocket.instances).toHaveLength(3)
    sync.destroy()
  })

  it('moves to needs-auth at once when no fresh token is granted', async () => {
    let calls = 0
    const { sync } = setup(async () => {
      calls += 1
      if (calls > 1) throw Object.assign(new Error('403'), { authDenied: true })
      return 't'
    })
    sync.connect()
    await vi.advanceTimersByTimeAsync(0)
    FakeSocket.instances[0]?.open()
    FakeSocket.instances[0]?.drop(4401)
    await vi.advanceTimersByTimeAsync(0)
    expect(sync.status.state).toBe('needs-auth')
    expect(FakeSocket.instances).toHaveLength(1)
    sync.destroy()
  })

  it('counts local updates as pending until acks cover them, offline ones through the step 2', async () => {
    const { doc, sync } = setup(async () => 't')
    doc.getMap('m').set('offline', 1)
    expect(sync.status.pending).toBe(1)
    sync.connect()
    await vi.advanceTimersByTimeAsync(0)
    const socket = FakeSocket.instances[0] as FakeSocket
    socket.open()
    // Sent before the step 2: its ack must not confirm the offline edit.
    doc.getMap('m').set('online', 2)
    socket.receive(encodeAck(1))
    expect(sync.status.pending).toBe(2)
    // The server's step 1 makes us send a step 2 carrying everything.
    const server = new Y.Doc()
    const step1 = (await import('y-protocols/sync')).writeSyncStep1
    const encoding = await import('lib0/encoding')
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0)
    step1(encoder, server)
    socket.receive(encoding.toUint8Array(encoder))
    socket.receive(encodeAck(2))
    expect(sync.status.pending).toBe(0)
    expect(sync.status.lastConfirmedAt).not.toBeNull()
    sync.destroy()
  })
})
