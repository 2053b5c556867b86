// Says, near an action, that it needs the network while the browser is offline.
import { useOnline } from '../layout/connection-banner.tsx'

export function OfflineNote(props: { what: string }) {
  const online = useOnline()
  if (online) return null
  return (
    <p className="offline-note" role="status">
      <strong>You are offline.</strong> {props.what} needs a connection: try again when you are back
      online.
    </p>
  )
}

export { useOnline }
