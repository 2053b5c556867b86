// Why the planning space is not shared with this user, in plain words. What
// is on screen is the copy kept on this device.
import type { AccessProblem } from './use-event-access.ts'

export function AccessNotice(props: { problem: AccessProblem }) {
  return (
    <div className="banner banner-warning event-access" role="alert">
      {props.problem === 'no-access' ? (
        <p>
          <strong>You no longer have access to this event's planning space.</strong> You may have
          been removed from its calendar. What you see is the copy on this device, and changes here
          will not be shared. Ask the calendar's owner to invite you again.
        </p>
      ) : (
        <p>
          <strong>This planning space is not shared with you yet.</strong> It opens once an editor
          of the calendar visits it while online, or your access to the calendar changed. Ask the
          calendar's owner if this lasts.
        </p>
      )}
    </div>
  )
}
