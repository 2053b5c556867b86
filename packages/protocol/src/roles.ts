// Roles on a calendar, inherited by its events. Ordered: a higher rank may do
// everything a lower one may.

export const roles = ['viewer', 'editor', 'owner'] as const

export type Role = (typeof roles)[number]

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value)
}

/** True when `role` grants at least what `required` grants. */
export function hasRole(role: Role, required: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(required)
}

/** Whether a role may change a doc's content (sync step 2 and updates). */
export function canWrite(role: Role): boolean {
  return hasRole(role, 'editor')
}
