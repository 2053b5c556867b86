// The frame around every signed-in page: navigation, the sync status, the
// offline banner and the inbox badge. Keeping the inbox open here also keeps
// one doc connected, so the status always says something true.
import { useInbox, useInboxEntries, useUnsavedChangesGuard } from '@plansync/client-sdk/react'
import type { ReactNode } from 'react'
import { NavLink } from 'react-router'
import { useSession } from '../session/session.tsx'
import { ConnectionBanner } from './connection-banner.tsx'
import { SyncIndicator } from './sync-indicator.tsx'

export function AppShell(props: { children: ReactNode }) {
  const session = useSession()
  useUnsavedChangesGuard()
  const { handle: inbox } = useInbox()
  const entries = useInboxEntries(inbox)
  const unread = entries.filter((entry) => entry.readAt === null).length

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="plansync home">
          <img src="/icon.svg" alt="" width="28" height="28" />
          <span>plansync</span>
        </NavLink>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Calendar
          </NavLink>
          <NavLink to="/inbox" aria-label={unread > 0 ? `Inbox, ${unread} unread` : 'Inbox'}>
            Inbox{' '}
            {unread > 0 && (
              <span className="badge" data-testid="unread-count" aria-hidden="true">
                {unread}
              </span>
            )}
          </NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
        <SyncIndicator />
        <div className="account">
          <span className="muted" title={session.user?.username}>
            {session.user?.displayName}
          </span>
          <button type="button" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <ConnectionBanner />
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </div>
  )
}
