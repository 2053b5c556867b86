// A stable colour per user id, the same on every screen and for every
// viewer, and dark enough for white initials (contrast 4.9:1 or more).
const COLOURS = [
  '#1d4ed8',
  '#b91c1c',
  '#15803d',
  '#7e22ce',
  '#c2410c',
  '#0e7490',
  '#be185d',
  '#4d7c0f',
  '#374151',
  '#a16207',
] as const

/** FNV-1a over the id: cheap, and spreads similar ids over the palette. */
export function colourFor(userId: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return COLOURS[(hash >>> 0) % COLOURS.length] ?? COLOURS[0]
}

/** Up to two initials: "Ann Lee" → "AL", "bob" → "B". */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const first = Array.from(words[0] ?? '?')[0] ?? '?'
  const last = words.length > 1 ? (Array.from(words.at(-1) ?? '')[0] ?? '') : ''
  return (first + last).toUpperCase()
}
