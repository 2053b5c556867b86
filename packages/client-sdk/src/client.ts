// createClient: the SDK's entry point. Holds the session, talks to the auth
// API, and opens docs (one shared handle per doc name) that work offline
// from the local store and sync when the network allows.

import { calendarDocName, eventDocName, inboxDocName, prefsDocName } from '@plansync/protocol'
import { type AuthApi, createAuthApi, type User } from './auth-api.ts'
import { CalendarHandle } from './calendar-handle.ts'
import { DocHandle, type SyncGrant } from './doc-handle.ts'
import { EventHandle } from './event-handle.ts'
import { InboxHandle } from './inbox-handle.ts'
import { PrefsHandle } from './prefs-handle.ts'
import type { LocalStore } from './storage/types.ts'
import type { BackoffOptions } from './sync/backoff.ts'
import { combineStatus, type SyncStatus } from './sync/status.ts'

export interface ClientOptions {
  /** The app's base URL, e.g. `http://127.0.0.1:8080`; auth under /auth, sync under /sync. */
  url: string
  /** Where replicas live between starts (memory, file, IndexedDB adapters). */
  store: LocalStore
  /** A session token kept from an earlier sign-in (session restore). */
  session?: string | null
  /**
   * The user of that session, kept beside it: per-user docs (events, prefs,
   * inbox) then open offline at once; `restoreUser()` refreshes it online.
   */
  user?: User | null
  fetch?: typeof fetch
  WebSocket?: typeof WebSocket
  backoff?: BackoffOptions
  /** In browsers: reconnect at once when the network returns or the tab becomes visible (default true). */
  retryOnOnline?: boolean
}

export interface PlansyncClient {
  readonly api: AuthApi
  readonly session: string | null
  /** The signed-in user (after register, login or restoreUser). */
  readonly user: User | null
  /** Reads the user of a restored session from the server. */
  restoreUser(): Promise<User>
  register(input: {
    username: string
    password: string
    displayName?: string
    email?: string
  }): Promise<User>
  login(input: { username: string; password: string }): Promise<User>
  /** Ends the session, closes every doc and clears the local store. */
  logout(): Promise<void>
  /** Opens a doc by name (`calendar:<id>`, `event:<id>`, ...); shared while open. */
  openDoc(docName: string): Promise<DocHandle>
  /** A live, typed calendar (`calendar:<id>`). */
  openCalendar(id: string): Promise<CalendarHandle>
  /** A live, typed event planning space (`event:<id>`); needs the signed-in user. */
  openEvent(id: string): Promise<EventHandle>
  /** This user's private settings (`user:<id>:prefs`): calendar colours, hidden calendars, own reminders. */
  openPrefs(): Promise<PrefsHandle>
  /** This user's in-app notifications (`user:<id>:inbox`), live. */
  openInbox(): Promise<InboxHandle>
  /** Reconnects every doc now (call on `online` and when the app becomes visible). */
  retryNow(): void
  /** True while some open doc has local changes the server has not confirmed. */
  hasUnsavedChanges(): boolean
  /**
   * The sync status of every open doc together: the least advanced state
   * (needs-auth, offline, connecting, syncing, then synced), the sum of
   * pending updates and the newest confirmation. Offline with nothing open.
   */
  status(): SyncStatus
  /** Calls `listener` whenever `status()` may have changed; returns an unsubscribe. */
  onStatus(listener: (status: SyncStatus) => void): () => void
  close(): Promise<void>
}

/** One shared open doc: its handle (once opened) and how many handles use it. */
interface Entry {
  handle: Promise<DocHandle>
  users: number
}

export function createClient(options: ClientOptions): PlansyncClient {
  let session = options.session ?? null
  let user: User | null = options.user ?? null
  const api = createAuthApi({ url: options.url, fetch: options.fetch, getSession: () => session })
  const handles = new Map<string, Entry>()
  const syncUrl = `${options.url.replace(/^http/, 'ws')}/sync`

  /**
   * The token getter DocSync calls before every connect. It may hand out a
   * token it fetched earlier for the same doc, while that has more than a
   * minute left, so that reconnect storms (many docs, a flaky network) do not
   * spend the auth API's rate limit; never one the server refused (dropped
   * on 4401 / 4403), one near expiry, one from before a sign-in, or a
   * viewer's (a promotion takes effect on the next connect; a demotion caps
   * older tokens on the server).
   */
  const tokens = new Map<string, SyncGrant & { expiresAtMs: number }>()
  const TOKEN_MARGIN_MS = 60_000
  /** Grows with every sign-in and sign-out: a token asked for before one is not kept. */
  let sessionGeneration = 0

  /** A token for the doc and the role it grants (viewers get read-only handles). */
  async function getToken(docName: string): Promise<SyncGrant> {
    const cached = tokens.get(docName)
    if (cached && cached.expiresAtMs - TOKEN_MARGIN_MS > Date.now()) {
      return { token: cached.token, role: cached.role }
    }
    tokens.delete(docName)
    const generation = sessionGeneration
    // An ApiError's `authDenied` (401/403) tells DocSync to stop at
    // needs-auth; anything else is worth a retry.
    const fresh = await api.syncToken(docName)
    const grant = { token: fresh.token, role: fresh.role }
    if (fresh.role !== 'viewer' && generation === sessionGeneration) {
      tokens.set(docName, { ...grant, expiresAtMs: fresh.expiresAt * 1000 })
    }
    return grant
  }

  /** A refused connection drops the cached token, so the next attempt asks again. */
  const forgetToken = (docName: string) => tokens.delete(docName)

  /** A new session: nothing fetched for the old one is handed out again. */
  function signedIn(result: { token: string; user: User }): User {
    session = result.token
    user = result.user
    sessionGeneration += 1
    tokens.clear()
    return result.user
  }

  const client: PlansyncClient = {
    api,
    get session() {
      return session
    },
    get user() {
      return user
    },
    async restoreUser() {
      user = (await api.me()).user
      return user
    },
    async register(input) {
      return signedIn(await api.register(input))
    },
    async login(input) {
      return signedIn(await api.login(input))
    },
    async logout() {
      // The request takes the session with it when it starts; local data is
      // cleared meanwhile, not after the network answers (or times out).
      // A 401 means the server had ended the session already.
      const ended = session
        ? api.logout().then(
            () => null,
            (error: unknown) => ((error as { status?: number }).status === 401 ? null : error),
          )
        : null
      session = null
      user = null
      sessionGeneration += 1
      tokens.clear()
      await closeAll()
      await options.store.clear()
      const failure = await ended
      // Signed out here in any case; the caller learns that the server did not hear it.
      if (failure) throw failure
    },
    openDoc(docName) {
      const existing = handles.get(docName)
      if (existing) {
        existing.users += 1
        return existing.handle
      }
      const entry: Entry = { users: 1, handle: Promise.resolve(undefined as unknown as DocHandle) }
      entry.handle = (async () => {
        // The same doc closing a moment ago: its last writes reach the local
        // store before this replica loads from it.
        await closing.get(docName)
        const handle = new DocHandle(
          docName,
          options.store,
          {
            url: syncUrl,
            getToken: () => getToken(docName),
            onAuthRefused: () => forgetToken(docName),
            WebSocket: options.WebSocket,
            backoff: options.backoff,
          },
          () => {
            if (handles.get(docName) === entry) handles.delete(docName)
          },
        )
        await handle.open()
        return wrapClose(docName, handle, entry)
      })()
      handles.set(docName, entry)
      return entry.handle
    },
    async openCalendar(id) {
      // Writes are stamped with whoever is signed in when they are made.
      return new CalendarHandle(id, await client.openDoc(calendarDocName(id)), {
        userId: () => user?.id ?? null,
      })
    },
    async openEvent(id) {
      const me = user ?? (await client.restoreUser())
      return new EventHandle(id, await client.openDoc(eventDocName(id)), me.id)
    },
    async openPrefs() {
      const me = user ?? (await client.restoreUser())
      return new PrefsHandle(me.id, await client.openDoc(prefsDocName(me.id)))
    },
    async openInbox() {
      const me = user ?? (await client.restoreUser())
      return new InboxHandle(me.id, await client.openDoc(inboxDocName(me.id)))
    },
    retryNow() {
      for (const { handle } of handles.values()) void handle.then((h) => h.sync.retryNow())
    },
    hasUnsavedChanges() {
      return [...opened].some((handle) => handle.status.pending > 0)
    },
    status() {
      return combineStatus([...opened].map((handle) => handle.status))
    },
    onStatus(listener) {
      statusListeners.add(listener)
      return () => statusListeners.delete(listener)
    },
    close: closeAll,
  }

  /** Handles already opened (the synchronous view for status and the unsaved-changes guard). */
  const opened = new Set<DocHandle>()
  const statusListeners = new Set<(status: SyncStatus) => void>()
  const emitStatus = () => {
    const status = client.status()
    for (const listener of statusListeners) listener(status)
  }

  /** Docs whose last handle is closing: a new open of one waits for it. */
  const closing = new Map<string, Promise<void>>()

  /**
   * A handle's close() releases one user; the last one really closes it and
   * takes it out of the shared list at once, so an open that comes while it
   * closes gets a fresh handle (edits to a closing one would be lost).
   */
  function wrapClose(docName: string, handle: DocHandle, entry: Entry): DocHandle {
    opened.add(handle)
    handle.on('status', emitStatus)
    emitStatus()
    const reallyClose = handle.close.bind(handle)
    handle.close = async () => {
      entry.users -= 1
      if (entry.users > 0) return
      if (handles.get(docName) === entry) handles.delete(docName)
      opened.delete(handle)
      handle.off('status', emitStatus)
      const done = reallyClose()
      closing.set(docName, done)
      try {
        await done
      } finally {
        if (closing.get(docName) === done) closing.delete(docName)
        emitStatus()
      }
    }
    return handle
  }

  /** Closes every open doc, and waits for closes already under way (their last writes). */
  async function closeAll(): Promise<void> {
    const all = await Promise.all([...handles.values()].map((entry) => entry.handle))
    for (const entry of handles.values()) entry.users = 1
    await Promise.allSettled([...all.map((handle) => handle.close()), ...closing.values()])
  }

  // Browsers (and runtimes with the same events): skip the backoff when the
  // network is back or the user returns to the app.
  const target = globalThis as {
    addEventListener?: typeof addEventListener
    removeEventListener?: typeof removeEventListener
    document?: Document
  }
  const onBack = () => {
    if (target.document?.visibilityState !== 'hidden') client.retryNow()
  }
  // The platform says the network is gone: say offline now rather than when
  // a dead socket finally times out; reconnecting resumes on `online`.
  const onGone = () => {
    for (const handle of opened) handle.sync.dropConnection()
  }
  if (options.retryOnOnline !== false && target.addEventListener) {
    target.addEventListener('online', onBack)
    target.addEventListener('offline', onGone)
    target.document?.addEventListener('visibilitychange', onBack)
    const closeClient = client.close
    client.close = async () => {
      target.removeEventListener?.('online', onBack)
      target.removeEventListener?.('offline', onGone)
      target.document?.removeEventListener('visibilitychange', onBack)
      await closeClient()
    }
  }

  return client
}
