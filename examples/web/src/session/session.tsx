// Who is signed in. A kept session opens at once, even offline; the server
// is asked in the background, and only its "no" (401) signs the user out.
import { ApiError, type PlansyncClient, type User } from '@plansync/client-sdk'
import { PlansyncProvider } from '@plansync/client-sdk/react'
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react'
import {
  forgetSession,
  forgetSessionToken,
  keepSession,
  readKeptUser,
  sessionChannel,
} from '../client.ts'

export interface Session {
  user: User | null
  signIn(input: { username: string; password: string }): Promise<void>
  signUp(input: {
    username: string
    password: string
    displayName?: string
    email?: string
  }): Promise<void>
  signOut(): Promise<void>
  /** Reads the user again from the server (after a profile change) and keeps it. */
  refreshUser(): Promise<void>
  /**
   * The user whose session the server ended (a password change elsewhere, an
   * expiry) while their replicas, maybe with unsaved edits, are still here.
   */
  expired: User | null
  /** Call on a 401: sign-in again as the same user keeps the local replicas. */
  expire(): void
}

const SessionContext = createContext<Session | null>(null)

export function SessionProvider(props: { client: PlansyncClient; children: ReactNode }) {
  const { client } = props
  const [user, setUser] = useState<User | null>(client.session ? client.user : null)
  const [expired, setExpired] = useState<User | null>(() =>
    client.session ? null : readKeptUser(),
  )
  const expire = useCallback(() => {
    forgetSessionToken()
    setExpired((before) => before ?? client.user ?? readKeptUser())
    setUser(null)
  }, [client])

  /** Before another account signs in here, the last one's replicas go. */
  const clearOtherAccount = useCallback(
    async (username: string) => {
      const last = expired ?? readKeptUser()
      if (last && last.username !== username.trim().toLowerCase()) {
        await client.logout().catch(() => undefined)
        forgetSession()
      }
      setExpired(null)
    },
    [client, expired],
  )

  useEffect(() => {
    if (!client.session) return
    let live = true
    client.restoreUser().then(
      (fresh) => {
        if (!live) return
        keepSession(client)
        setUser(fresh)
      },
      (error: unknown) => {
        // Offline or the server is away: keep working on the kept user.
        if (live && error instanceof ApiError && error.status === 401) expire()
      },
    )
    return () => {
      live = false
    }
  }, [client, expire])

  useEffect(() => {
    // Another tab signed in or out: follow it with a fresh start.
    const onMessage = () => location.reload()
    sessionChannel?.addEventListener('message', onMessage)
    return () => sessionChannel?.removeEventListener('message', onMessage)
  }, [])

  const session = useMemo<Session>(
    () => ({
      user,
      expired,
      expire,
      async signIn(input) {
        await clearOtherAccount(input.username)
        setUser(await client.login(input))
        keepSession(client)
        sessionChannel?.postMessage('signed-in')
      },
      async signUp(input) {
        await clearOtherAccount(input.username)
        setUser(await client.register(input))
        keepSession(client)
        sessionChannel?.postMessage('signed-in')
      },
      async signOut() {
        forgetSession()
        try {
          await client.logout()
        } finally {
          setUser(null)
          sessionChannel?.postMessage('signed-out')
        }
      },
      async refreshUser() {
        const fresh = await client.restoreUser()
        keepSession(client)
        setUser(fresh)
      },
    }),
    [client, user, expired, expire, clearOtherAccount],
  )

  return (
    <PlansyncProvider client={client}>
      <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>
    </PlansyncProvider>
  )
}

export function useSession(): Session {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession outside SessionProvider')
  return session
}

/** The signed-in user; only for pages behind the sign-in guard. */
export function useUser(): User {
  const { user } = useSession()
  if (!user) throw new Error('useUser while signed out')
  return user
}
