// Reads the fields of a Y.Map against a spec of checks: valid values come
// back typed, invalid ones are left out and reported, unknown keys (written
// by a newer client) are ignored.
import type * as Y from 'yjs'
import type { IssueReporter } from './issues.ts'
import type { Check } from './values.ts'

export type Spec = Record<string, Check<unknown>>
export type Fields<S extends Spec> = { [K in keyof S]?: S[K] extends Check<infer T> ? T : never }

export function readFields<S extends Spec>(
  map: Y.Map<unknown>,
  spec: S,
  path: string,
  report: IssueReporter,
): Fields<S> {
  const out: Record<string, unknown> = {}
  for (const [key, check] of Object.entries(spec)) {
    const raw = map.get(key)
    if (raw === undefined) continue
    const value = check(raw)
    if (value === undefined)
      report({ path: `${path}.${key}`, reason: `invalid value ${describe(raw)}` })
    else out[key] = value
  }
  return out as Fields<S>
}

/** A short, safe description of a stored value for an issue message. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object'
  return String(value)
}
