// Event docs: tasks, RSVPs with seats, comments and agenda; concurrent
// offline adds all survive; hostile values are skipped and reported.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  addAgendaItem,
  addComment,
  addTask,
  eventParts,
  readAgenda,
  readComments,
  readParticipants,
  readTasks,
  setCapacity,
  setRsvp,
  updateTask,
} from './event-doc.ts'
import { SchemaError, type SchemaIssue } from './issues.ts'

function pair() {
  const a = new Y.Doc()
  const b = new Y.Doc()
  const sync = () => {
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  }
  return { a, b, sync }
}

describe('event doc', () => {
  it('keeps every task added concurrently offline, ordered, with field edits merged', () => {
    const { a, b, sync } = pair()
    addTask(a, 't1', { title: 'Tent', assignee: 'ann', due: '2026-06-01', done: false, order: 1 })
    sync()
    addTask(a, 't2', { title: 'Food', assignee: null, due: null, done: false, order: 2 })
    addTask(b, 't3', { title: 'Car', assignee: 'bob', due: null, done: false, order: 1.5 })
    updateTask(a, 't1', { done: true })
    updateTask(b, 't1', { assignee: 'bob' })
    sync()
    expect(readTasks(a)).toEqual(readTasks(b))
    expect(readTasks(a).map((t) => t.id)).toEqual(['t1', 't3', 't2'])
    expect(readTasks(a)[0]).toMatchObject({ done: true, assignee: 'bob' })
    expect(() =>
      addTask(a, 't4', { title: 'x', assignee: 'no spaces!', due: null, done: false, order: 0 }),
    ).toThrow(SchemaError)
  })

  it('shows a yes against a capacity as pending until the allocator decides', () => {
    const doc = new Y.Doc()
    setCapacity(doc, 2)
    setRsvp(doc, 'ann', { rsvp: 'yes', guests: 1 }, 1)
    setRsvp(doc, 'bob', { rsvp: 'maybe' }, 2)
    expect(readParticipants(doc).map((p) => [p.userId, p.rsvp, p.seat])).toEqual([
      ['ann', 'yes', 'pending'],
      ['bob', 'maybe', null],
    ])
    const decision = new Y.Map<unknown>()
    eventParts(doc).allocation.set('ann', decision)
    decision.set('state', 'confirmed')
    decision.set('seq', 1)
    decision.set('seats', 2)
    expect(readParticipants(doc)[0]?.seat).toBe('confirmed')
    // Changing the note keeps the place in the queue; a new answer does not.
    setRsvp(doc, 'ann', { rsvp: 'yes', note: 'bringing cake' }, 5)
    expect(readParticipants(doc)[0]?.requestedAt).toBe(1)
    expect(() => setRsvp(doc, 'ann', { rsvp: 'yes', guests: 99 }, 6)).toThrow(/guests/)
    expect(() => setCapacity(doc, -1)).toThrow(SchemaError)
  })

  it('keeps comments and agenda items from both sides', () => {
    const { a, b, sync } = pair()
    addComment(a, { id: 'c1', author: 'ann', text: 'Who brings the grill?', at: 1 })
    addComment(b, { id: 'c2', author: 'bob', text: 'Me!', at: 2 })
    addAgendaItem(a, { id: 'g1', title: 'Setup', minutes: 30 })
    sync()
    expect(
      readComments(a)
        .map((c) => c.id)
        .sort(),
    ).toEqual(['c1', 'c2'])
    expect(readComments(b)).toEqual(readComments(a))
    expect(readAgenda(b)).toEqual([{ id: 'g1', title: 'Setup', minutes: 30 }])
  })

  it('skips hostile entries and reports them', () => {
    const doc = new Y.Doc()
    const issues: SchemaIssue[] = []
    const { tasks, participants, comments } = eventParts(doc)
    doc.transact(() => {
      tasks.set('t1', 'not a map')
      const noTitle = new Y.Map<unknown>()
      tasks.set('t2', noTitle)
      noTitle.set('done', 'yes')
      const p = new Y.Map<unknown>()
      participants.set('ann', p)
      p.set('rsvp', 'definitely')
      comments.push([42, new Y.Map<unknown>()])
    })
    expect(readTasks(doc, (i) => issues.push(i))).toEqual([])
    expect(readParticipants(doc, (i) => issues.push(i))).toEqual([])
    expect(readComments(doc, (i) => issues.push(i))).toEqual([])
    expect(issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        'tasks.t1',
        'tasks.t2',
        'tasks.t2.done',
        'participants.ann.rsvp',
        'participants.ann',
        'comments.0',
        'comments.1',
      ]),
    )
  })
})
