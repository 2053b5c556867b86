// The page's one SDK client, and what is kept between visits: the session
// token and its user in localStorage (so the app opens offline), replicas in
// IndexedDB. Other tabs hear of sign-in and sign-out over a BroadcastChannel.
import {
  createClient,
  createIndexedDbStore,
  type PlansyncClient,
  type User,
} from '@plansync/client-sdk'

const SESSION_KEY = 'plansync.session'
const USER_KEY = 'plansync.user'

export function createAppClient(): PlansyncClient {
  return createClient({
    url: location.origin,
    store: createIndexedDbStore({ name: 'plansync' }),
    session: localStorage.getItem(SESSION_KEY),
    user: readKeptUser(),
  })
}

export function keepSession(client: PlansyncClient): void {
  if (client.session) localStorage.setItem(SESSION_KEY, client.session)
  if (client.user) localStorage.setItem(USER_KEY, JSON.stringify(client.user))
}

export function forgetSession(): void {
  localStorage.removeItem(SESSION_KEY)
  localStorage.removeItem(USER_KEY)
}

/** The server ended the session: the token goes, the user stays (their replicas are still here). */
export function forgetSessionToken(): void {
  localStorage.removeItem(SESSION_KEY)
}

export function readKeptUser(): User | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(USER_KEY) ?? 'null')
    if (typeof value !== 'object' || value === null) return null
    const user = value as Partial<User>
    return typeof user.id === 'string' && typeof user.username === 'string'
      ? {
          id: user.id,
          username: user.username,
          displayName: typeof user.displayName === 'string' ? user.displayName : user.username,
          email: typeof user.email === 'string' ? user.email : null,
        }
      : null
  } catch {
    return null
  }
}

/** Tells other tabs of this app that the session changed (they reload to follow). */
export const sessionChannel: BroadcastChannel | null =
  typeof BroadcastChannel === 'function' ? new BroadcastChannel('plansync-session') : null
