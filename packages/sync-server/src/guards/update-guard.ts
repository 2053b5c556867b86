// Checks a client's Yjs update BEFORE it touches the doc, so that a bad
// update is rejected whole and a partly-applied update cannot happen:
//  - it must decode (Y.decodeUpdate reads every struct and the delete set);
//  - values inside it (Y.Map/Y.Array JSON, embeds, formats) must not nest
//    deeper than the configured cap;
//  - it must not depend on state the doc does not have (which Yjs would
//    keep as "pending structs" or a pending delete set forever): every
//    struct starts at or before what the doc plus this update already
//    reach for its client, and every origin, right origin, parent and
//    deleted range points inside that reach;
//  - it must be encoded as Yjs encodes: one section per client, clients in
//    descending order (Y.mergeUpdates relies on it and drops structs of an
//    update that is not);
//  - and Yjs must be able to integrate it in an order: no dependency
//    cycles, no struct pointing at a later clock of its own client. Pointing "inside the reach" is not enough: such updates pass
//    that check yet stay pending, or make Y.applyUpdate throw, at every client.
// Structs the doc already has are cut off first (Y.diffUpdate) and only the
// rest is checked, stored and relayed: a client may resend known ids with
// other content or origins, which applying skips but Y.mergeUpdates of the
// stored log may keep, making the merged doc unloadable.
// Write access to a doc means trust in its content (the Yjs threat model);
// these checks guard the process and the stored bytes, not semantics.
import * as decoding from 'lib0/decoding'
import * as Y from 'yjs'
import { SyncError } from '../errors.ts'

interface StructId {
  client: number
  clock: number
}

export interface UpdateGuardOptions {
  /** The next clock the doc expects from a client (its state vector). */
  stateOf: (client: number) => number
  maxNestingDepth: number
}

export interface CheckedUpdate {
  /** The bytes to store and relay: the update without structs the doc already has. */
  update: Uint8Array
  /** Per client, the clock the doc reaches once this update is in. */
  reach: Map<number, number>
  /** True if the doc already has every struct and there are no deletes. */
  redundant: boolean
}

export function checkUpdate(received: Uint8Array, options: UpdateGuardOptions): CheckedUpdate {
  let update = received
  let decoded = decodeUpdate(update)
  checkSections(update, decoded.structs)
  if (decoded.structs.some((struct) => struct.id.clock < options.stateOf(struct.id.client))) {
    update = withoutKnownStructs(update, decoded.structs, options.stateOf)
    decoded = decodeUpdate(update)
  }
  const reach = new Map<number, number>()
  const reachOf = (client: number): number => reach.get(client) ?? options.stateOf(client)
  let redundant = decoded.ds.clients.size === 0

  for (const struct of decoded.structs) {
    if (struct instanceof Y.Skip) continue
    const { client, clock } = struct.id
    const known = reachOf(client)
    if (clock > known) {
      throw new SyncError('invalid_update', `update skips clock ${known}..${clock} of ${client}`)
    }
    if (clock + struct.length > known) {
      reach.set(client, clock + struct.length)
      redundant = false
    }
    if (struct instanceof Y.Item) checkNesting(struct.content, options.maxNestingDepth)
  }

  const within = (id: StructId | null, what: string): void => {
    if (id !== null && id.clock >= reachOf(id.client)) {
      throw new SyncError('invalid_update', `${what} ${id.client}:${id.clock} is unknown`)
    }
  }
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item)) continue
    within(struct.origin, 'origin')
    within(struct.rightOrigin, 'right origin')
    const parent: unknown = struct.parent
    if (isId(parent)) within(parent, 'parent')
  }
  checkIntegrationOrder(decoded.structs, options.stateOf)
  for (const [client, ranges] of decoded.ds.clients) {
    const end = reachOf(client)
    for (const range of ranges) {
      if (range.clock + range.len > end) {
        throw new SyncError('invalid_update', `delete of unknown range ${client}:${range.clock}`)
      }
    }
  }
  return { update, reach, redundant }
}

function decodeUpdate(update: Uint8Array): ReturnType<typeof Y.decodeUpdate> {
  try {
    return Y.decodeUpdate(update)
  } catch (error) {
    throw new SyncError('invalid_update', 'update does not decode', { cause: error })
  }
}

/** The update minus every struct (or part of one) below the doc's clock for its client. */
function withoutKnownStructs(
  update: Uint8Array,
  structs: Struct[],
  stateOf: (client: number) => number,
): Uint8Array {
  const known = new Map<number, number>()
  for (const struct of structs) known.set(struct.id.client, stateOf(struct.id.client))
  try {
    return Y.diffUpdate(update, Y.encodeStateVector(known))
  } catch (error) {
    throw new SyncError('invalid_update', 'update does not decode', { cause: error })
  }
}

type Struct = ReturnType<typeof Y.decodeUpdate>['structs'][number]

/**
 * Yjs writes one section per client, highest client first, and relies on it:
 * Y.applyUpdate keeps only the last section of a client that appears twice
 * (readClientsStructRefs), and Y.mergeUpdates drops structs of an update
 * whose clients ascend. Either way the stored log would lose structs once
 * merged, so anything but that order is refused.
 */
function checkSections(update: Uint8Array, structs: Struct[]): void {
  const sections = decoding.readVarUint(decoding.createDecoder(update))
  let clients = 0
  let previous = Number.POSITIVE_INFINITY
  for (const struct of structs) {
    const { client } = struct.id
    if (client === previous) continue
    if (client > previous) {
      throw new SyncError('invalid_update', 'client sections are not in descending order')
    }
    previous = client
    clients += 1
  }
  // Sections with no struct at all count too: Yjs never writes them.
  if (clients !== sections)
    throw new SyncError('invalid_update', 'empty or repeated client section')
}

/**
 * Replays the decisions of Yjs's integrateStructs (yjs 13.6, utils/encoding.js)
 * on clocks alone: clients from the highest id down, each client's structs in
 * order, and on a struct whose origin, right origin or parent (of another
 * client) the doc lacks, a jump to that client's next struct, the waiting
 * one kept on a stack. Where Yjs would give up (keep structs pending) or throw
 * (a reference to its own client that is not in the doc yet), the update is
 * refused. Linear, like the original: each struct is taken once.
 */
function checkIntegrationOrder(structs: Struct[], stateOf: (client: number) => number): void {
  const refsByClient = new Map<number, { i: number; refs: Array<Y.Item | Y.GC> }>()
  for (const struct of structs) {
    if (struct instanceof Y.Skip) continue
    const entry = refsByClient.get(struct.id.client)
    if (entry) entry.refs.push(struct)
    else refsByClient.set(struct.id.client, { i: 0, refs: [struct] })
  }
  const clients = [...refsByClient.keys()].sort((a, b) => a - b)
  const state = new Map<number, number>()
  const clockOf = (client: number): number => state.get(client) ?? stateOf(client)
  const refuse = (struct: Y.Item | Y.GC, why: string): never => {
    throw new SyncError('invalid_update', `${why} (${struct.id.client}:${struct.id.clock})`)
  }
  /** The client whose missing struct `struct` waits for, as Item.getMissing. */
  const missingOf = (struct: Y.Item | Y.GC): number | null => {
    if (!(struct instanceof Y.Item)) return null
    const parent: unknown = struct.parent
    for (const id of [struct.origin, struct.rightOrigin, isId(parent) ? parent : null]) {
      if (id === null || id.clock < clockOf(id.client)) continue
      if (id.client === struct.id.client)
        refuse(struct, 'struct refers to a later clock of its client')
      return id.client
    }
    return null
  }
  const nextTarget = () => {
    while (clients.length > 0) {
      const target = refsByClient.get(clients[clients.length - 1] as number)
      if (target && target.i < target.refs.length) return target
      clients.pop()
    }
    return null
  }
  let target = nextTarget()
  if (!target) return
  const stack: Array<Y.Item | Y.GC> = []
  let head = target.refs[target.i++] as Y.Item | Y.GC
  for (;;) {
    const offset = clockOf(head.id.client) - head.id.clock
    if (offset < 0) refuse(head, 'struct depends on an earlier one that is missing')
    const missing = missingOf(head)
    if (missing !== null) {
      stack.push(head)
      const refs = refsByClient.get(missing)
      if (!refs || refs.i === refs.refs.length) refuse(head, 'struct depends on a missing struct')
      head = refs?.refs[refs.i++] as Y.Item | Y.GC
      continue
    }
    if (offset === 0 || offset < head.length) state.set(head.id.client, head.id.clock + head.length)
    const popped = stack.pop()
    if (popped) head = popped
    else if (target.i < target.refs.length) head = target.refs[target.i++] as Y.Item | Y.GC
    else {
      const next = nextTarget()
      if (!next) return
      target = next
      head = target.refs[target.i++] as Y.Item | Y.GC
    }
  }
}

function isId(value: unknown): value is StructId {
  return typeof value === 'object' && value !== null && 'client' in value && 'clock' in value
}

function checkNesting(content: Y.Item['content'], maxDepth: number): void {
  let values: unknown[]
  if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) values = content.arr
  else if (content instanceof Y.ContentEmbed) values = [content.embed]
  else if (content instanceof Y.ContentFormat) values = [content.value]
  else return
  for (const value of values) {
    if (depthOf(value, maxDepth) > maxDepth) {
      throw new SyncError('invalid_update', `value nests deeper than ${maxDepth}`)
    }
  }
}

/** Depth of a JSON-like value, counting stops once it passes `limit`. */
export function depthOf(value: unknown, limit: number, depth = 0): number {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return depth
  if (depth >= limit) return depth + 1
  let deepest = depth + 1
  const children = Array.isArray(value) ? value : Object.values(value)
  for (const child of children) {
    deepest = Math.max(deepest, depthOf(child, limit, depth + 1))
    if (deepest > limit) break
  }
  return deepest
}
