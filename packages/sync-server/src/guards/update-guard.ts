// Checks a client's Yjs update BEFORE it touches the doc, so that a bad
// update is rejected whole and a partly-applied update cannot happen:
//  - it must decode (Y.decodeUpdate reads every struct and the delete set);
//  - values inside it (Y.Map/Y.Array JSON, embeds, formats) must not nest
//    deeper than the configured cap;
//  - it must not depend on state the doc does not have (which Yjs would
//    keep as "pending structs" or a pending delete set forever): every
//    struct starts at or before what the doc plus this update already
//    reach for its client, and every origin, right origin, parent and
//    deleted range points inside that reach.
// Write access to a doc means trust in its content (the Yjs threat model);
// these checks guard the process and the stored bytes, not semantics.
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
  /** Per client, the clock the doc reaches once this update is in. */
  reach: Map<number, number>
  /** True if the doc already has every struct and there are no deletes. */
  redundant: boolean
}

export function checkUpdate(update: Uint8Array, options: UpdateGuardOptions): CheckedUpdate {
  let decoded: ReturnType<typeof Y.decodeUpdate>
  try {
    decoded = Y.decodeUpdate(update)
  } catch (error) {
    throw new SyncError('invalid_update', 'update does not decode', { cause: error })
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
  for (const [client, ranges] of decoded.ds.clients) {
    const end = reachOf(client)
    for (const range of ranges) {
      if (range.clock + range.len > end) {
        throw new SyncError('invalid_update', `delete of unknown range ${client}:${range.clock}`)
      }
    }
  }
  return { reach, redundant }
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
function depthOf(value: unknown, limit: number, depth = 0): number {
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
