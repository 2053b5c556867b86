// Event doc snapshots compared: tasks assigned (new, reassigned; not when
// done, unassigned or removed), seats confirmed by the allocator or
// promoted from the waitlist, and malformed values skipped.
import {
  addTask,
  allocateSeats,
  eventParts,
  removeTask,
  setCapacity,
  setRsvp,
  updateTask,
} from '@plansync/schema'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  diffEventDoc,
  digestEventDoc,
  EMPTY_EVENT_DOC_DIGEST,
  type EventDocDigest,
  parseEventDocDigest,
} from './event-changes.ts'

function tracker(doc: Y.Doc, start: EventDocDigest = digestEventDoc(doc)) {
  let recorded = start
  return () => {
    const { changes, digest } = diffEventDoc(recorded, digestEventDoc(doc))
    recorded = parseEventDocDigest(JSON.parse(JSON.stringify(digest))) as EventDocDigest
    expect(recorded).toBeDefined()
    return changes
  }
}

const task = (title: string, assignee: string | null, order = 1) => ({
  title,
  assignee,
  due: null,
  done: false,
  order,
})

describe('event doc changes', () => {
  it('names who assigned a task only when the stamp came with the assignment', () => {
    const doc = new Y.Doc()
    const changes = tracker(doc, EMPTY_EVENT_DOC_DIGEST)
    const ann = { by: 'ann', at: Date.UTC(2026, 5, 1) }
    addTask(doc, 't1', task('Bring chairs', 'bob'), ann)
    addTask(doc, 't2', task('Buy cake', 'ann', 2), ann)
    expect(changes()).toEqual([
      { kind: 'task-assigned', taskId: 't1', userId: 'bob', author: 'ann' },
      { kind: 'task-assigned', taskId: 't2', userId: 'ann', author: 'ann' },
    ])
    // Reassigned by a writer without stamps: ann's stamp is left over and names nobody.
    updateTask(doc, 't1', { assignee: 'cat' })
    expect(changes()).toEqual([{ kind: 'task-assigned', taskId: 't1', userId: 'cat' }])
    updateTask(doc, 't1', { assignee: 'bob' }, { by: 'cat', at: Date.UTC(2026, 5, 1) })
    expect(changes()).toEqual([
      { kind: 'task-assigned', taskId: 't1', userId: 'bob', author: 'cat' },
    ])
    // A malformed stamp is skipped.
    const map = eventParts(doc).tasks.get('t2') as Y.Map<unknown>
    doc.transact(() => {
      map.set('assignedBy', 42)
      map.set('assignee', 'bob')
    })
    expect(changes()).toEqual([{ kind: 'task-assigned', taskId: 't2', userId: 'bob' }])
    expect(
      parseEventDocDigest({ v: 1, tasks: { a: { assignee: 'x', done: false, by: 1 } }, seats: {} }),
    ).toBeUndefined()
  })

  it('finds tasks newly assigned to someone', () => {
    const doc = new Y.Doc()
    const changes = tracker(doc, EMPTY_EVENT_DOC_DIGEST)
    addTask(doc, 't1', task('Bring chairs', 'bob'))
    addTask(doc, 't2', task('Buy cake', null, 2))
    expect(changes()).toEqual([{ kind: 'task-assigned', taskId: 't1', userId: 'bob' }])
    updateTask(doc, 't2', { assignee: 'ann' })
    updateTask(doc, 't1', { title: 'Bring six chairs' })
    expect(changes()).toEqual([{ kind: 'task-assigned', taskId: 't2', userId: 'ann' }])
    updateTask(doc, 't1', { assignee: 'cat' })
    expect(changes()).toEqual([{ kind: 'task-assigned', taskId: 't1', userId: 'cat' }])
    // Done, unassigned, removed: nothing to announce; assigned again: news again.
    updateTask(doc, 't2', { done: true })
    updateTask(doc, 't1', { assignee: null })
    expect(changes()).toEqual([])
    updateTask(doc, 't1', { assignee: 'cat' })
    removeTask(doc, 't2')
    expect(changes()).toEqual([{ kind: 'task-assigned', taskId: 't1', userId: 'cat' }])
    addTask(doc, 't3', { ...task('Already done', 'bob'), done: true })
    expect(changes()).toEqual([])
  })

  it('finds seats confirmed, and seats promoted from the waitlist', () => {
    const doc = new Y.Doc()
    const changes = tracker(doc, EMPTY_EVENT_DOC_DIGEST)
    setCapacity(doc, 1)
    setRsvp(doc, 'ann', { rsvp: 'yes' }, 1000)
    setRsvp(doc, 'bob', { rsvp: 'yes' }, 2000)
    setRsvp(doc, 'cat', { rsvp: 'maybe' }, 3000)
    // Pending until the allocator decides.
    expect(changes()).toEqual([])
    allocateSeats(doc)
    expect(changes()).toEqual([{ kind: 'seat-confirmed', userId: 'ann' }])
    setRsvp(doc, 'ann', { rsvp: 'no' }, 4000)
    allocateSeats(doc)
    expect(changes()).toEqual([{ kind: 'seat-promoted', userId: 'bob' }])
    // Without a capacity nobody holds a seat; with one again, the allocator confirms anew.
    setCapacity(doc, null)
    expect(changes()).toEqual([])
    setCapacity(doc, 5)
    allocateSeats(doc)
    expect(changes()).toEqual([{ kind: 'seat-confirmed', userId: 'bob' }])
  })

  it('skips malformed tasks, participants, capacities and decisions', () => {
    const doc = new Y.Doc()
    addTask(doc, 't1', task('Bring chairs', 'bob'))
    setCapacity(doc, 2)
    setRsvp(doc, 'ann', { rsvp: 'yes' }, 1000)
    allocateSeats(doc)
    const changes = tracker(doc)
    const parts = eventParts(doc)
    const t1 = parts.tasks.get('t1') as Y.Map<unknown>
    // A task without a readable title, then fixed: still bob's, nothing new.
    t1.set('title', 7)
    parts.tasks.set('junk', 'not a task')
    expect(changes()).toEqual([])
    t1.set('title', 'Bring chairs')
    expect(changes()).toEqual([])
    // A capacity or decision that cannot be read, then fixed: ann's seat was confirmed all along.
    parts.seats.set('capacity', 'lots')
    expect(changes()).toEqual([])
    setCapacity(doc, 2)
    expect(changes()).toEqual([])
    const decision = parts.allocation.get('ann') as Y.Map<unknown>
    decision.set('state', 'maybe')
    expect(changes()).toEqual([])
    decision.set('state', 'confirmed')
    expect(changes()).toEqual([])
    const ann = parts.participants.get('ann') as Y.Map<unknown>
    ann.set('rsvp', 42)
    expect(changes()).toEqual([])
    ann.set('rsvp', 'yes')
    expect(changes()).toEqual([])
    // A task whose assignee is not a user id reads as unassigned.
    t1.set('assignee', { id: 'eve' })
    expect(changes()).toEqual([])
    t1.set('assignee', 'eve')
    expect(changes()).toEqual([{ kind: 'task-assigned', taskId: 't1', userId: 'eve' }])
  })

  it('refuses recorded digests it cannot read', () => {
    expect(parseEventDocDigest({ v: 1, tasks: {} })).toBeUndefined()
    expect(
      parseEventDocDigest({ v: 1, tasks: { t: { assignee: 3, done: false } }, seats: {} }),
    ).toBeUndefined()
    expect(parseEventDocDigest({ v: 1, tasks: {}, seats: { ann: 'vip' } })).toBeUndefined()
    expect(parseEventDocDigest(EMPTY_EVENT_DOC_DIGEST)).toEqual(EMPTY_EVENT_DOC_DIGEST)
  })
})
