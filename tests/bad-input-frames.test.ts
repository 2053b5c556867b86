import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  connectBad,
  expectUndisturbed,
  frameCases,
  MAX_MESSAGE_BYTES,
  nextDoc,
  openWitnesses,
  providers,
  rawUpgrade,
  sendAndExpectClose,
  start,
  useCleanup,
} from './utils/bad-input-kit.ts'
import {
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './utils/sync-process.ts'

useCleanup()

describe('bad frames (in-process server)', () => {
  for (const { name, frame, code } of frameCases) {
    it(`closes a connection that sends ${name} with ${code}, others undisturbed`, async () => {
      const { syncUrl, store } = await start()
      const docName = nextDoc()
      const w = await openWitnesses(syncUrl, docName)
      await sendAndExpectClose(await connectBad(syncUrl, docName), frame(), code)
      await expectUndisturbed(w, syncUrl, docName, { store })
    })
  }
})

describe('bad input (real server process)', () => {
  let server: SyncProcess

  beforeAll(async () => {
    server = await startSyncProcess({ env: { SYNC_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) } })
  })

  afterAll(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    await stopSyncProcess(server)
    await removeDataDir(server)
  })

  for (const { name, frame, code } of frameCases) {
    it(`survives ${name} (${code}) and still answers /healthz`, async () => {
      const docName = nextDoc()
      const w = await openWitnesses(server.syncUrl, docName)
      await sendAndExpectClose(await connectBad(server.syncUrl, docName), frame(), code)
      await expectUndisturbed(w, server.syncUrl, docName)
      expect(server.child.exitCode).toBeNull()
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    })
  }

  it('survives an upgrade request whose URL does not parse', async () => {
    const docName = nextDoc()
    const w = await openWitnesses(server.syncUrl, docName)
    const status = await rawUpgrade(server.url, '//')
    expect(status).toMatch(/^HTTP\/1\.1 4\d\d /)
    await expectUndisturbed(w, server.syncUrl, docName)
    expect(server.child.exitCode).toBeNull()
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })
})

/** Sends a WebSocket upgrade for `target` over a bare TCP socket; resolves the status line. */
