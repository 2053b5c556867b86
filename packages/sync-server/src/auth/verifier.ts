// The authentication seam: every connection passes a TokenVerifier before
// any doc loads. Production uses signed sync tokens (token-verifier.ts);
// the explicit insecure development verifier is off unless configured, and
// with neither the deny-all verifier refuses everyone.
import { isRole, type Role } from '@plansync/protocol'
import { SyncError } from '../errors.ts'

export type { Role }

/** Who a connection is, as established by its verifier. */
export interface Principal {
  userId: string
  role: Role
  /** The sync token's id and issue time (ms), when the principal came from a token. */
  tokenId?: string
  issuedAt?: number
}

export interface VerifyRequest {
  docName: string
  /** The `token` URL query parameter, if any. */
  token: string | undefined
  /** The full upgrade URL's query parameters. */
  params: URLSearchParams
}

export interface TokenVerifier {
  /** Resolves the principal or throws a SyncError (`unauthorized`, `forbidden`). */
  verify(request: VerifyRequest): Promise<Principal>
}

/** Refuses everyone: the default when no verifier is configured. */
export function createDenyAllVerifier(): TokenVerifier {
  return {
    async verify() {
      throw new SyncError('unauthorized', 'no token verifier is configured')
    },
  }
}

const userIdPattern = /^[A-Za-z0-9_-]{1,64}$/

/**
 * INSECURE, for development only: trusts the client. The user id comes from
 * the `user` query parameter (default `dev`) and the role from `role`
 * (default `editor`). Never enable it where anyone else can connect.
 */
export function createInsecureDevVerifier(): TokenVerifier {
  return {
    async verify({ params }) {
      const userId = params.get('user') ?? 'dev'
      const role = params.get('role') ?? 'editor'
      if (!userIdPattern.test(userId)) throw new SyncError('unauthorized', 'invalid user parameter')
      if (!isRole(role)) throw new SyncError('unauthorized', 'invalid role parameter')
      return { userId, role }
    },
  }
}
