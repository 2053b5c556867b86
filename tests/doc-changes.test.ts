// The sync server tells a listener (the embedded notifier) about every doc a
// commit changed, after the commit; a failing listener stops nothing.
import { afterEach, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import { type InProcessServer, startInProcessServer } from './utils/in-process-server.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import { waitFor } from './utils/wait.ts'

describe('doc change notifications', () => {
  let server: InProcessServer | undefined
  const providers: WebsocketProvider[] = []
  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    await server?.close()
  })

  it('names each changed doc once it is durable, and survives a throwing listener', async () => {
    const changed: string[] = []
    const stored = new Set<string>()
    const early: string[] = []
    server = await startInProcessServer({
      onDocChanged: (docName) => {
        changed.push(docName)
        if (!stored.has(docName)) early.push(docName)
        if (docName === 'calendar:boom') throw new Error('listener bug')
      },
      wrapStore: (store) => ({
        ...store,
        kind: store.kind,
        async append(entries, options) {
          await store.append(entries, options)
          for (const entry of entries) stored.add(entry.docName)
        },
      }),
    })
    const a = connectProvider(server.syncUrl, 'calendar:a', { params: { user: 'ann' } })
    const boom = connectProvider(server.syncUrl, 'calendar:boom', { params: { user: 'ann' } })
    const watcher = connectProvider(server.syncUrl, 'calendar:boom', { params: { user: 'bob' } })
    providers.push(a.provider, boom.provider, watcher.provider)
    await Promise.all([a, boom, watcher].map((c) => waitSynced(c.provider)))
    a.doc.getMap('meta').set('name', 'A')
    boom.doc.getMap('meta').set('name', 'B')
    await waitFor(() => changed.includes('calendar:a'), 'the change of calendar:a')
    // The throwing listener did not stop the relay of that commit.
    await waitFor(
      () => watcher.doc.getMap('meta').get('name') === 'B',
      'relay despite the listener',
    )
    expect(changed).toContain('calendar:boom')
    // Never before the storage write of that doc.
    expect(early).toEqual([])
  })
})
