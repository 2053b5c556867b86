// The seat allocator running in the sync server: clients RSVP "yes" at the
// same time and offline against a capacity; the server confirms in arrival
// order, waitlists the rest, promotes on cancel, and every replica and the
// stored doc agree, never with more confirmed seats than the capacity.
import { allocateSeats, readParticipants, setCapacity, setRsvp } from '@plansync/schema'
import { afterEach, describe, expect, it } from 'vitest'
import type { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { type InProcessServer, startInProcessServer } from './utils/in-process-server.ts'
import { connectProvider, waitSynced } from './utils/providers.ts'
import { waitFor } from './utils/wait.ts'

const docName = 'event:picnic'
const confirmedSeats = (doc: Y.Doc) =>
  readParticipants(doc)
    .filter((p) => p.seat === 'confirmed')
    .reduce((sum, p) => sum + 1 + p.guests, 0)
const seatsOf = (doc: Y.Doc) =>
  Object.fromEntries(
    readParticipants(doc)
      .filter((p) => p.rsvp === 'yes')
      .map((p) => [p.userId, p.seat]),
  )

describe('seat allocation in the sync server', () => {
  let server: InProcessServer | undefined
  const providers: WebsocketProvider[] = []
  afterEach(async () => {
    for (const provider of providers.splice(0)) provider.destroy()
    await server?.close()
    server = undefined
  })

  function join(user: string) {
    const client = connectProvider(server?.syncUrl as string, docName, { params: { user } })
    providers.push(client.provider)
    return client
  }

  it('confirms up to the capacity, waitlists the rest, promotes on cancel, everywhere', async () => {
    server = await startInProcessServer()
    const host = join('host')
    await waitSynced(host.provider)
    setCapacity(host.doc, 3)
    const guests = ['ann', 'bob', 'cat', 'dan'].map(join)
    await Promise.all(guests.map((g) => waitSynced(g.provider)))

    // One guest answers offline and comes back later.
    const offline = guests[3] as (typeof guests)[number]
    offline.provider.disconnect()
    setRsvp(offline.doc, 'dan', { rsvp: 'yes' }, Date.now())
    for (const [i, name] of ['ann', 'bob', 'cat'].entries()) {
      setRsvp(
        (guests[i] as (typeof guests)[number]).doc,
        name,
        { rsvp: 'yes', guests: i === 0 ? 1 : 0 },
        Date.now(),
      )
    }
    await waitFor(
      () =>
        Object.keys(seatsOf(host.doc)).length === 3 &&
        !Object.values(seatsOf(host.doc)).includes('pending'),
      'three decided',
    )
    expect(confirmedSeats(host.doc)).toBeLessThanOrEqual(3)
    offline.provider.connect()
    await waitFor(
      () => seatsOf(host.doc).dan === 'waitlisted',
      'dan waitlisted after coming online',
    )
    const everyone = [host, ...guests]
    await waitFor(
      () =>
        everyone.every((c) => JSON.stringify(seatsOf(c.doc)) === JSON.stringify(seatsOf(host.doc))),
      'replicas agree',
    )
    const before = seatsOf(host.doc)
    expect(Object.values(before).filter((s) => s === 'confirmed').length).toBeGreaterThan(0)
    expect(confirmedSeats(host.doc)).toBeLessThanOrEqual(3)

    // The first confirmed guest cancels: the first waitlisted one moves up.
    const firstConfirmed = readParticipants(host.doc).find((p) => p.seat === 'confirmed')
      ?.userId as string
    const canceller = guests[
      ['ann', 'bob', 'cat', 'dan'].indexOf(firstConfirmed)
    ] as (typeof guests)[number]
    const firstWaiting = readParticipants(host.doc).filter((p) => p.seat === 'waitlisted')[0]
      ?.userId as string
    setRsvp(canceller.doc, firstConfirmed, { rsvp: 'no' }, Date.now())
    await waitFor(
      () => seatsOf(host.doc)[firstWaiting] === 'confirmed',
      'waitlisted guest promoted',
    )
    expect(confirmedSeats(host.doc)).toBeLessThanOrEqual(3)

    // The stored doc agrees, and a run of the allocator over it changes nothing.
    await server.server.engine.flush()
    const stored = await server.store.load(docName)
    const copy = new Y.Doc()
    for (const part of [stored.snapshot, ...stored.updates]) if (part) Y.applyUpdate(copy, part)
    expect(seatsOf(copy)).toEqual(seatsOf(host.doc))
    expect(allocateSeats(copy)).toBe(false)
  })
})
