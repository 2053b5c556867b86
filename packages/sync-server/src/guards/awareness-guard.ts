// Checks an awareness update before it is applied or relayed.
//
// Wire format (y-protocols/awareness):
//   varUint(n) · n × [ varUint(clientID) · varUint(clock) · varString(JSON state or "null") ]
//
// A connection may only speak for the clientIDs it owns. It claims them with
// its first awareness message (stock clients announce just their own
// doc.clientID on open), at most a few. Later entries for other clientIDs
// are dropped: stock y-websocket clients echo every awareness change they
// see, so such entries are normal and not grounds to close, but they are
// never applied or relayed. Oversized or undecodable updates, and states
// that are not JSON objects or nest deeper than the cap, are errors.
//
// Identity comes from the token, not the client: every state's `user` field
// is stamped with the connection's user id (keeping only a short name and
// colour), and a state that claims another user's id is dropped as forged.
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { SyncError } from '../errors.ts'
import { depthOf } from './update-guard.ts'

export const MAX_CLIENT_IDS_PER_CONNECTION = 4

interface RawEntry {
  clientId: number
  clock: number
  json: string
  state: Record<string, unknown> | null
}

export interface AwarenessGuardOptions {
  maxAwarenessBytes: number
  maxNestingDepth: number
  /** clientIDs this connection owns; the first message fills it. */
  owned: Set<number>
  /** True if another connection of the same doc owns this clientID. */
  isOwnedElsewhere: (clientId: number) => boolean
  /** The connection's user: stamped into every state's `user.id`. */
  userId: string
}

export interface CheckedAwareness {
  /** The update re-encoded with only the entries this connection owns, or null if none. */
  update: Uint8Array | null
  /** How many entries were dropped as not owned. */
  dropped: number
  /** How many owned entries were dropped for claiming another user id. */
  forged: number
}

export function checkAwareness(
  update: Uint8Array,
  options: AwarenessGuardOptions,
): CheckedAwareness {
  if (update.byteLength > options.maxAwarenessBytes) {
    throw new SyncError(
      'invalid_awareness',
      `awareness update over ${options.maxAwarenessBytes} bytes`,
    )
  }
  const entries = decodeEntries(update, options.maxNestingDepth)
  if (options.owned.size === 0) claim(entries, options)
  const owned = entries.filter((entry) => options.owned.has(entry.clientId))
  const dropped = entries.length - owned.length
  const kept = owned.flatMap((entry) => stampUser(entry, options.userId) ?? [])
  const forged = owned.length - kept.length
  return { update: kept.length === 0 ? null : encodeEntries(kept), dropped, forged }
}

const MAX_NAME_LENGTH = 64
const MAX_COLOUR_LENGTH = 32

/** The entry with `user` set from the token, or undefined when it claims someone else. */
function stampUser(entry: RawEntry, userId: string): RawEntry | undefined {
  if (entry.state === null) return entry
  const claimed = entry.state.user
  const user =
    typeof claimed === 'object' && claimed !== null && !Array.isArray(claimed)
      ? (claimed as Record<string, unknown>)
      : {}
  if (user.id !== undefined && user.id !== userId) return undefined
  const stamped: Record<string, string> = { id: userId }
  if (typeof user.name === 'string') stamped.name = user.name.slice(0, MAX_NAME_LENGTH)
  for (const key of ['colour', 'color']) {
    const value = user[key]
    if (typeof value === 'string') stamped[key] = value.slice(0, MAX_COLOUR_LENGTH)
  }
  const state = { ...entry.state, user: stamped }
  return { ...entry, state, json: JSON.stringify(state) }
}

function claim(entries: RawEntry[], options: AwarenessGuardOptions): void {
  const candidates = new Set(entries.map((entry) => entry.clientId))
  if (candidates.size > MAX_CLIENT_IDS_PER_CONNECTION) {
    throw new SyncError('invalid_awareness', 'too many clientIDs in the first awareness update')
  }
  for (const clientId of candidates) {
    if (options.isOwnedElsewhere(clientId)) {
      throw new SyncError('invalid_awareness', `clientID ${clientId} belongs to another connection`)
    }
    options.owned.add(clientId)
  }
}

function decodeEntries(update: Uint8Array, maxNestingDepth: number): RawEntry[] {
  const decoder = decoding.createDecoder(update)
  const entries: RawEntry[] = []
  try {
    const count = decoding.readVarUint(decoder)
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder)
      const clock = decoding.readVarUint(decoder)
      const json = decoding.readVarString(decoder)
      const state: unknown = JSON.parse(json)
      if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
        throw new SyncError('invalid_awareness', 'awareness state must be an object or null')
      }
      // JSON.parse takes any depth, but JSON.stringify (relaying the state,
      // answering a joining client) overflows the stack on a few thousand
      // levels: that used to close with 1011 and could crash the process.
      if (depthOf(state, maxNestingDepth) > maxNestingDepth) {
        throw new SyncError(
          'invalid_awareness',
          `awareness state nests deeper than ${maxNestingDepth}`,
        )
      }
      entries.push({ clientId, clock, json, state: state as Record<string, unknown> | null })
    }
  } catch (error) {
    if (error instanceof SyncError) throw error
    throw new SyncError('invalid_awareness', 'awareness update does not decode', { cause: error })
  }
  if (decoding.hasContent(decoder)) {
    throw new SyncError('invalid_awareness', 'trailing bytes after awareness update')
  }
  return entries
}

function encodeEntries(entries: RawEntry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId)
    encoding.writeVarUint(encoder, entry.clock)
    encoding.writeVarString(encoder, entry.json)
  }
  return encoding.toUint8Array(encoder)
}
