import { describe, expect, it } from 'vitest'
import { ownerOf } from './rendezvous.ts'

const docs = Array.from({ length: 3000 }, (_, i) => `calendar:doc-${i}`)
const owners = (instances: string[]) => new Map(docs.map((doc) => [doc, ownerOf(doc, instances)]))

describe('rendezvous hashing', () => {
  it('spreads docs evenly and agrees whatever the member order', () => {
    const a = owners(['i1', 'i2', 'i3'])
    const b = owners(['i3', 'i1', 'i2'])
    expect(b).toEqual(a)
    const counts = new Map<string, number>()
    for (const owner of a.values())
      counts.set(owner as string, (counts.get(owner as string) ?? 0) + 1)
    for (const count of counts.values()) expect(count).toBeGreaterThan(800)
    expect(ownerOf('calendar:x', [])).toBeUndefined()
  })

  it('moves only the share of an instance that joins or leaves', () => {
    const three = owners(['i1', 'i2', 'i3'])
    const four = owners(['i1', 'i2', 'i3', 'i4'])
    const moved = docs.filter((doc) => three.get(doc) !== four.get(doc))
    expect(moved.every((doc) => four.get(doc) === 'i4')).toBe(true)
    expect(moved.length).toBeGreaterThan(500)
    expect(moved.length).toBeLessThan(1000)
    const two = owners(['i1', 'i3'])
    const changed = docs.filter((doc) => three.get(doc) !== two.get(doc))
    expect(changed.every((doc) => three.get(doc) === 'i2')).toBe(true)
  })
})
