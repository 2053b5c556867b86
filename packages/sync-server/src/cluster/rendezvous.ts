// Rendezvous (highest random weight) hashing: each doc goes to the live
// instance with the highest hash of (instance, doc). Adding or removing an
// instance moves only the docs it wins or held, about 1/n of them, and every
// instance computes the same owner from the same member list.
import { createHash } from 'node:crypto'

function weight(instanceId: string, docName: string): bigint {
  return createHash('sha256')
    .update(instanceId)
    .update('\0')
    .update(docName)
    .digest()
    .readBigUInt64BE(0)
}

/** The instance that owns `docName` among `instances`, or undefined when there is none. */
export function ownerOf(docName: string, instances: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestWeight = -1n
  for (const instance of instances) {
    const w = weight(instance, docName)
    if (w > bestWeight || (w === bestWeight && best !== undefined && instance < best)) {
      best = instance
      bestWeight = w
    }
  }
  return best
}
