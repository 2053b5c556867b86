// The periodic access recheck: a sync server asks the auth API, in one batch,
// which role each (user, doc) of its live connections still has, so that a
// lost access-change message cannot leave access open.
//
//   POST /auth/internal/access-check
//   authorization: Bearer <shared internal secret>
//   { checks: [{ userId, doc }] }  ->  { roles: [Role | null] }   (same order)
import type { Role } from './roles.ts'

export const ACCESS_CHECK_PATH = '/auth/internal/access-check'
export const MAX_ACCESS_CHECKS = 1000

export interface AccessCheckRequest {
  checks: Array<{ userId: string; doc: string }>
}

export interface AccessCheckResponse {
  roles: Array<Role | null>
}
