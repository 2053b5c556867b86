// Task order: moveTask places a task after another (or first); concurrent
// moves of one task end in one place on every replica, tasks moved into the
// same gap at once all land there, and a gap that has no room left (equal
// orders, or halved many times) still takes a task where it was put.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DocHandle } from './doc-handle.ts'
import { EventHandle } from './event-handle.ts'
import { createMemoryStore } from './storage/memory-store.ts'

async function offlineEvent(id = 'e1'): Promise<EventHandle> {
  const denied = Object.assign(new Error('offline test'), { authDenied: true })
  const doc = new DocHandle(
    `event:${id}`,
    createMemoryStore(),
    { url: 'ws://127.0.0.1:9/sync', getToken: () => Promise.reject(denied) },
    () => {},
  )
  await doc.open()
  return new EventHandle(id, doc, 'ann')
}

/** Both ways, as a sync would. */
function exchange(a: EventHandle, b: EventHandle): void {
  Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)))
  Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)))
}

const titles = (event: EventHandle) => event.tasks().map((task) => task.title)

async function withTasks(...names: string[]) {
  const event = await offlineEvent()
  const ids: Record<string, string> = {}
  for (const name of names) ids[name] = event.addTask({ title: name })
  return { event, ids: ids as Record<string, string> }
}

describe('EventHandle.moveTask', () => {
  it('moves a task first, after another, last; refuses unknown tasks', async () => {
    const { event, ids } = await withTasks('A', 'B', 'C', 'D')
    event.moveTask(ids.D as string, null)
    expect(titles(event)).toEqual(['D', 'A', 'B', 'C'])
    event.moveTask(ids.A as string, ids.C as string)
    expect(titles(event)).toEqual(['D', 'B', 'C', 'A'])
    event.moveTask(ids.C as string, ids.D as string)
    expect(titles(event)).toEqual(['D', 'C', 'B', 'A'])
    event.moveTask(ids.B as string, ids.B as string)
    expect(titles(event)).toEqual(['D', 'C', 'B', 'A'])
    expect(() => event.moveTask(ids.B as string, 'no-such-task')).toThrow(/no such task/)
    expect(() => event.moveTask('no-such-task', null)).toThrow(/no such task/)
    expect(titles(event)).toEqual(['D', 'C', 'B', 'A'])
    await event.close()
  })

  it('ends concurrent moves of one task in one place on both replicas', async () => {
    const { event: ann, ids } = await withTasks('A', 'B', 'C', 'D')
    const bob = await offlineEvent()
    exchange(ann, bob)
    ann.moveTask(ids.A as string, ids.D as string)
    bob.moveTask(ids.A as string, ids.B as string)
    exchange(ann, bob)
    expect(titles(ann)).toEqual(titles(bob))
    expect(titles(ann).filter((title) => title === 'A')).toHaveLength(1)
    expect([
      ['B', 'C', 'D', 'A'],
      ['B', 'A', 'C', 'D'],
    ]).toContainEqual(titles(ann))
    await ann.close()
    await bob.close()
  })

  it('lands tasks moved into one gap at once there, and still fits one between them', async () => {
    const { event: ann, ids } = await withTasks('A', 'B', 'C', 'D')
    const bob = await offlineEvent()
    exchange(ann, bob)
    // Both into the gap between A and B: the same midpoint on both sides.
    ann.moveTask(ids.C as string, ids.A as string)
    bob.moveTask(ids.D as string, ids.A as string)
    exchange(ann, bob)
    expect(titles(ann)).toEqual(titles(bob))
    expect(titles(ann).slice(1, 3).sort()).toEqual(['C', 'D'])
    expect(titles(ann)[0]).toBe('A')
    expect(titles(ann)[3]).toBe('B')

    // Between the two tied tasks: no number fits, so the list is renumbered.
    const [first, second] = ann.tasks().slice(1, 3)
    ann.moveTask(ids.B as string, first?.id as string)
    expect(titles(ann)).toEqual(['A', first?.title, 'B', second?.title])
    exchange(ann, bob)
    expect(titles(bob)).toEqual(titles(ann))
    await ann.close()
    await bob.close()
  })

  it('keeps placing tasks where they are put when one gap is halved many times', async () => {
    const { event, ids } = await withTasks('A', 'B', 'C')
    // C then B, again and again, into the shrinking gap right after A.
    for (let round = 0; round < 80; round++) {
      const mover = round % 2 === 0 ? ids.C : ids.B
      event.moveTask(mover as string, ids.A as string)
      expect(titles(event)[1]).toBe(round % 2 === 0 ? 'C' : 'B')
    }
    expect(new Set(event.tasks().map((task) => task.order)).size).toBe(3)
    await event.close()
  })
})
