import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SyncError } from '../errors.ts'
import { checkUpdate } from './update-guard.ts'

const MAX_DEPTH = 32

/** Checks `update` against what `known` holds (nothing if omitted), as the server does. */
function check(update: Uint8Array, known?: Y.Doc, maxNestingDepth = MAX_DEPTH) {
  return checkUpdate(update, {
    stateOf: (client) => (known ? Y.getState(known.store, client) : 0),
    maxNestingDepth,
  })
}

/** A doc that records every update it emits. */
function recorder(clientID: number) {
  const doc = new Y.Doc()
  doc.clientID = clientID
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  return { doc, updates }
}

function expectRejected(run: () => unknown, reason: RegExp): void {
  let thrown: unknown
  try {
    run()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(SyncError)
  expect((thrown as SyncError).code).toBe('invalid_update')
  expect((thrown as SyncError).message).toMatch(reason)
}

/** A JSON value nested `depth` objects deep: nest(1) is { v: 'leaf' }. */
function nest(depth: number): unknown {
  return depth === 0 ? 'leaf' : { v: nest(depth - 1) }
}

describe('checkUpdate', () => {
  it('accepts a first update and reports the clocks it reaches', () => {
    const a = recorder(1)
    a.doc.getText('notes').insert(0, 'hello')
    const checked = check(a.updates[0] as Uint8Array)
    expect(checked.reach).toEqual(new Map([[1, 5]]))
    expect(checked.redundant).toBe(false)
  })

  it('accepts a merged update of several clients that depend on each other', () => {
    const a = recorder(1)
    const b = recorder(2)
    a.doc.getText('notes').insert(0, 'hello')
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc))
    b.doc.getText('notes').insert(5, ' world') // its origin is a's last character
    a.doc.getArray('list').push([{ title: 'x' }])
    const merged = Y.mergeUpdates([...a.updates, ...b.updates])
    const checked = check(merged)
    expect(checked.reach).toEqual(
      new Map([
        [1, 6],
        [2, 6],
      ]),
    )
  })

  it('accepts deletes of known content, alone or merged with the inserts', () => {
    const a = recorder(1)
    a.doc.getText('notes').insert(0, 'hello')
    const server = new Y.Doc()
    Y.applyUpdate(server, a.updates[0] as Uint8Array)
    a.doc.getText('notes').delete(0, 2)
    const deletion = a.updates[1] as Uint8Array
    const checked = check(deletion, server)
    expect(checked.redundant).toBe(false)
    expect(checked.reach.size).toBe(0)
    expect(check(Y.mergeUpdates(a.updates)).redundant).toBe(false)
  })

  it('accepts an update that overlaps what the doc has, and marks a known one redundant', () => {
    const a = recorder(1)
    a.doc.getMap('m').set('k1', 1)
    const server = new Y.Doc()
    Y.applyUpdate(server, a.updates[0] as Uint8Array)
    expect(check(a.updates[0] as Uint8Array, server)).toMatchObject({
      reach: new Map(),
      redundant: true,
    })
    a.doc.getMap('m').set('k2', 2)
    // The whole state again: one struct known, one new.
    const overlapping = check(Y.encodeStateAsUpdate(a.doc), server)
    expect(overlapping).toMatchObject({ reach: new Map([[1, 2]]), redundant: false })
  })

  it('rejects bytes that do not decode', () => {
    expectRejected(() => check(new Uint8Array([0xff, 0xff, 0xff])), /does not decode/)
    expectRejected(() => check(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /does not decode/)
  })

  it('rejects an update that skips clocks of its client', () => {
    const a = recorder(1)
    a.doc.getMap('m').set('k1', 1)
    a.doc.getMap('m').set('k2', 2)
    expectRejected(() => check(a.updates[1] as Uint8Array), /skips clock 0\.\.1 of 1/)
  })

  it('rejects an update whose origin or parent the doc does not have', () => {
    const a = recorder(1)
    a.doc.getText('notes').insert(0, 'hello')
    a.doc.getMap('root').set('child', new Y.Map<string>())
    const afterText = recorder(2)
    Y.applyUpdate(afterText.doc, Y.encodeStateAsUpdate(a.doc))
    afterText.updates.length = 0
    afterText.doc.getText('notes').insert(5, '!')
    expectRejected(() => check(afterText.updates[0] as Uint8Array), /origin 1:4 is unknown/)

    const inChild = recorder(3)
    Y.applyUpdate(inChild.doc, Y.encodeStateAsUpdate(a.doc))
    inChild.updates.length = 0
    ;(inChild.doc.getMap('root').get('child') as Y.Map<string>).set('k', 'v')
    expectRejected(() => check(inChild.updates[0] as Uint8Array), /parent 1:5 is unknown/)
    // Both are fine against a doc that has a's edits.
    expect(check(afterText.updates[0] as Uint8Array, a.doc).redundant).toBe(false)
    expect(check(inChild.updates[0] as Uint8Array, a.doc).redundant).toBe(false)
  })

  it('rejects a delete of a range the doc does not have', () => {
    const a = recorder(1)
    a.doc.getText('notes').insert(0, 'hello')
    const server = new Y.Doc()
    Y.applyUpdate(server, a.updates[0] as Uint8Array)
    a.doc.getText('notes').insert(5, ' again') // clocks 5..10, which the server misses
    a.doc.getText('notes').delete(3, 5)
    const deletion = a.updates[2] as Uint8Array
    expectRejected(() => check(deletion), /delete of unknown range 1:/)
    expectRejected(() => check(deletion, server), /delete of unknown range 1:/)
  })

  it('allows values nested exactly to the cap and rejects one level more', () => {
    const a = recorder(1)
    a.doc.getMap('m').set('ok', nest(MAX_DEPTH))
    a.doc.getMap('m').set('deep', nest(MAX_DEPTH + 1))
    a.doc.getArray('list').push([nest(MAX_DEPTH)])
    a.doc.getArray('list').push([[nest(MAX_DEPTH)]])
    expect(check(a.updates[0] as Uint8Array).redundant).toBe(false)
    const known = new Y.Doc()
    Y.applyUpdate(known, a.updates[0] as Uint8Array)
    expectRejected(() => check(a.updates[1] as Uint8Array, known), /nests deeper than 32/)
    Y.applyUpdate(known, a.updates[1] as Uint8Array)
    expect(check(a.updates[2] as Uint8Array, known).redundant).toBe(false)
    Y.applyUpdate(known, a.updates[2] as Uint8Array)
    expectRejected(() => check(a.updates[3] as Uint8Array, known), /nests deeper than 32/)
  })

  it('applies the cap to embeds and text formats too', () => {
    const a = recorder(1)
    a.doc.getText('notes').insertEmbed(0, nest(5) as object)
    a.doc.getText('notes').insert(1, 'x', { style: nest(5) })
    const update = Y.mergeUpdates(a.updates)
    expect(check(update, undefined, 5).redundant).toBe(false)
    expectRejected(() => check(update, undefined, 4), /nests deeper than 4/)
  })
})
