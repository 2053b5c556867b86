import { CloseCode, SyncMessageType } from '@plansync/protocol'
import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  applyAlone,
  connectBad,
  expectUndisturbed,
  handUpdate,
  nested,
  nextDoc,
  openWitnesses,
  sendAndExpectClose,
  start,
  storedDoc,
  updateOf,
  useCleanup,
} from './utils/bad-input-kit.ts'
import { encodeSync, readDoc } from './utils/markers.ts'
import { waitFor } from './utils/wait.ts'

useCleanup()

describe('bad updates', () => {
  it('closes on an update whose structs skip missing clocks (4422), nothing pending', async () => {
    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    // doc1 edits twice; only the second update is sent, so it depends on the first.
    const doc1 = new Y.Doc()
    doc1.getMap('evil').set('a', 1)
    const first = Y.encodeStateAsUpdate(doc1)
    doc1.getMap('evil').set('b', 2)
    const second = Y.encodeStateAsUpdate(doc1, Y.encodeStateVectorFromUpdate(first))
    const bad = await connectBad(syncUrl, docName)
    await sendAndExpectClose(
      bad,
      encodeSync(SyncMessageType.update, second),
      CloseCode.invalidUpdate,
    )
    await expectUndisturbed(w, syncUrl, docName, { store })
  })

  it('closes on an update whose origin is unknown to the doc (4422), nothing pending', async () => {
    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    // doc2 inserts after text doc1 wrote, but doc1's text never reached the server.
    const doc1 = new Y.Doc()
    doc1.getText('evil').insert(0, 'abc')
    const doc2 = new Y.Doc()
    Y.applyUpdate(doc2, Y.encodeStateAsUpdate(doc1))
    const before = Y.encodeStateVector(doc2)
    doc2.getText('evil').insert(3, 'd')
    const dangling = Y.encodeStateAsUpdate(doc2, before)
    const bad = await connectBad(syncUrl, docName)
    await sendAndExpectClose(
      bad,
      encodeSync(SyncMessageType.update, dangling),
      CloseCode.invalidUpdate,
    )
    await expectUndisturbed(w, syncUrl, docName, { store })
  })

  // Every reference points inside what the doc plus the update reach, yet Yjs
  // cannot integrate these: each would poison the doc for every client.
  const unintegrable: Array<{ name: string; update: Uint8Array; atClient: string }> = [
    {
      name: 'structs that depend on each other in a cycle',
      update: handUpdate([
        { client: 1002, clock: 0, structs: [{ text: 'y', origin: { client: 1001, clock: 0 } }] },
        { client: 1001, clock: 0, structs: [{ text: 'x', origin: { client: 1002, clock: 0 } }] },
      ]),
      atClient: 'pending',
    },
    {
      name: 'a struct whose origin is a later clock of its own client',
      update: handUpdate([
        {
          client: 1001,
          clock: 0,
          structs: [{ text: 'a', origin: { client: 1001, clock: 1 } }, { text: 'b' }],
        },
      ]),
      atClient: 'throws',
    },
    {
      name: 'a client split over two sections',
      update: handUpdate([
        { client: 1001, clock: 0, structs: [{ text: 'a' }] },
        { client: 1001, clock: 1, structs: [{ text: 'b', origin: { client: 1001, clock: 0 } }] },
      ]),
      atClient: 'pending',
    },
  ]
  for (const { name, update, atClient } of unintegrable) {
    it(`closes on an update with ${name} (4422), nothing pending`, async () => {
      expect(applyAlone(update)).toBe(atClient)
      const { syncUrl, store } = await start()
      const docName = nextDoc()
      const w = await openWitnesses(syncUrl, docName)
      const bad = await connectBad(syncUrl, docName)
      await sendAndExpectClose(
        bad,
        encodeSync(SyncMessageType.update, update),
        CloseCode.invalidUpdate,
      )
      await expectUndisturbed(w, syncUrl, docName, { store })
    })
  }

  it('keeps the doc loadable when an update resends known structs with other origins', async () => {
    // Found by tests/fuzz.test.ts. Applied one by one these integrate (Yjs
    // skips ids it has), but the third one repeats 9002:0..4 with origins in
    // 9003: a merge of the log that kept that copy would hold a cycle.
    const at = (client: number, clock: number) => ({ client, clock })
    const updates = [
      handUpdate([{ client: 9002, clock: 0, structs: [{ text: 'xx' }, { text: 'xx' }] }]),
      handUpdate([
        { client: 9003, clock: 0, structs: [{ text: 'x', origin: at(9002, 3) }, { text: 'x' }] },
      ]),
      handUpdate([
        {
          client: 9003,
          clock: 0,
          structs: [
            { text: 'xx', origin: at(9003, 0) },
            { text: 'x', origin: at(9003, 1) },
            { text: 'x', origin: at(9002, 3) },
          ],
        },
        {
          client: 9002,
          clock: 0,
          structs: [
            { text: 'xx', origin: at(9003, 3) },
            { text: 'xx', origin: at(9003, 3) },
            { text: 'x', origin: at(9003, 0) },
          ],
        },
      ]),
    ]
    const expected = new Y.Doc()
    for (const update of updates) Y.applyUpdate(expected, update)
    expect(expected.store.pendingStructs).toBeNull()
    expect(applyAlone(Y.mergeUpdates(updates))).not.toBe('ok')

    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const client = await connectBad(syncUrl, docName, 'user=resend&ack=1')
    for (const update of updates) client.send(encodeSync(SyncMessageType.update, update))
    await client.waitForFrame((frame) => frame.type === 'ack' && frame.count === 3, 'three acks')
    const fresh = await readDoc(syncUrl, docName)
    expect(fresh.getText('evil').toString()).toBe(expected.getText('evil').toString())
    expect(Y.encodeStateVector(fresh)).toEqual(Y.encodeStateVector(expected))
    const stored = await storedDoc(store, docName)
    expect(stored.store.pendingStructs).toBeNull()
    expect(stored.getText('evil').toString()).toBe(expected.getText('evil').toString())
  })

  it('closes on an update whose client sections ascend (4422): a merge would drop structs', async () => {
    // Found by tests/fuzz.test.ts. Yjs writes clients in descending order and
    // Y.mergeUpdates relies on it: merged with an earlier update, this one
    // loses 9003:0, and every fresh client would see pending structs.
    const earlier = handUpdate([{ client: 10_000, clock: 0, structs: [{ text: 'a' }] }])
    const ascending = handUpdate([
      { client: 9002, clock: 0, structs: [{ text: 'x' }] },
      {
        client: 9003,
        clock: 0,
        structs: [{ text: 'y' }, { text: 'z', origin: { client: 9002, clock: 0 } }],
      },
    ])
    expect(applyAlone(ascending)).toBe('ok')
    expect(applyAlone(Y.mergeUpdates([earlier, ascending]))).toBe('pending')

    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const bad = await connectBad(syncUrl, docName, 'user=mallory&ack=1')
    bad.send(encodeSync(SyncMessageType.update, earlier))
    await bad.waitForFrame((frame) => frame.type === 'ack' && frame.count === 1, 'ack')
    await sendAndExpectClose(
      bad,
      encodeSync(SyncMessageType.update, ascending),
      CloseCode.invalidUpdate,
    )
    w.writer.doc.getMap('m').set('after', 'ok')
    await waitFor(
      () => w.watcher.doc.getMap('m').get('after') === 'ok',
      'later edit at the watcher',
    )
    expect(w.closes).toEqual([])
    // The accepted one is there (from client 10000), the refused one is not.
    const fresh = await readDoc(syncUrl, docName)
    expect(fresh.getText('evil').toString()).toBe('a')
    expect(fresh.getMap('m').toJSON()).toEqual({ before: 'ok', after: 'ok' })
    expect((await storedDoc(store, docName)).store.pendingStructs).toBeNull()
  })

  it('accepts a hand-made update Yjs integrates (the builder is sound)', async () => {
    const update = handUpdate([
      { client: 1002, clock: 0, structs: [{ text: 'b', origin: { client: 1001, clock: 0 } }] },
      { client: 1001, clock: 0, structs: [{ text: 'a' }] },
    ])
    expect(applyAlone(update)).toBe('ok')
    const { syncUrl } = await start()
    const docName = nextDoc()
    const client = await connectBad(syncUrl, docName, 'user=hand&ack=1')
    client.send(encodeSync(SyncMessageType.update, update))
    await client.waitForFrame((frame) => frame.type === 'ack' && frame.count === 1, 'ack')
    expect((await readDoc(syncUrl, docName)).getText('evil').toString()).toBe('ab')
  })

  it('closes on a delete of items the doc does not have (4422)', async () => {
    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const doc1 = new Y.Doc()
    doc1.getArray('evil').insert(0, [1, 2, 3])
    const inserted = Y.encodeStateVector(doc1)
    doc1.getArray('evil').delete(0, 3)
    const deleteOnly = Y.encodeStateAsUpdate(doc1, inserted)
    expect(Y.decodeUpdate(deleteOnly).structs).toEqual([])
    const bad = await connectBad(syncUrl, docName)
    await sendAndExpectClose(
      bad,
      encodeSync(SyncMessageType.update, deleteOnly),
      CloseCode.invalidUpdate,
    )
    await expectUndisturbed(w, syncUrl, docName, { store })
  })

  it('closes on a delete of the writer items beyond what the doc has (4422)', async () => {
    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    // A delete set naming the writer's clientID, covering clocks it never wrote.
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0) // no structs
    encoding.writeVarUint(encoder, 1) // one client in the delete set
    encoding.writeVarUint(encoder, w.writer.doc.clientID)
    encoding.writeVarUint(encoder, 1) // one range
    encoding.writeVarUint(encoder, 0) // from clock 0
    encoding.writeVarUint(encoder, 1_000) // length
    const bad = await connectBad(syncUrl, docName)
    await sendAndExpectClose(
      bad,
      encodeSync(SyncMessageType.update, encoding.toUint8Array(encoder)),
      CloseCode.invalidUpdate,
    )
    await expectUndisturbed(w, syncUrl, docName, { store })
  })

  it('closes on a value nested deeper than the cap (4422)', async () => {
    const { syncUrl, store } = await start()
    const docName = nextDoc()
    const w = await openWitnesses(syncUrl, docName)
    const deep = updateOf((doc) => doc.getMap('evil').set('deep', nested(100)))
    const bad = await connectBad(syncUrl, docName)
    await sendAndExpectClose(bad, encodeSync(SyncMessageType.update, deep), CloseCode.invalidUpdate)
    await expectUndisturbed(w, syncUrl, docName, { store })
  })

  it('accepts a value nested exactly to the cap', async () => {
    const { syncUrl } = await start()
    const docName = nextDoc()
    const doc = new Y.Doc()
    doc.getMap('m').set('deep', nested(31)) // 31 objects + the leaf: depth 32
    const client = await connectBad(syncUrl, docName, 'user=deep&ack=1')
    client.send(encodeSync(SyncMessageType.update, Y.encodeStateAsUpdate(doc)))
    await client.waitForFrame((frame) => frame.type === 'ack' && frame.count === 1, 'ack')
    const fresh = await readDoc(syncUrl, docName)
    expect(fresh.getMap('m').toJSON()).toEqual({ deep: nested(31) })
  })
})
