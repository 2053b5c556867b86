// Stock y-websocket providers in Node, with the `ws` polyfill.
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { waitFor } from './wait.ts'

export interface ProviderOptions {
  params?: Record<string, string>
}

export function connectProvider(syncUrl: string, docName: string, options: ProviderOptions = {}) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(syncUrl, docName, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: options.params ?? {},
    disableBc: true,
  })
  return { doc, provider }
}

export async function waitSynced(provider: WebsocketProvider, timeoutMs = 5_000): Promise<void> {
  await waitFor(() => provider.synced, 'provider synced', timeoutMs)
}
