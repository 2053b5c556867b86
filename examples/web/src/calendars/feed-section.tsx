// This calendar's iCal feed links, in their own section of the settings page.
import { useId } from 'react'
import { FeedLinks } from './feed-links.tsx'

export function FeedSection(props: { calendarId: string }) {
  const headingId = useId()
  return (
    <section className="card settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Show it in other calendar apps</h2>
      <FeedLinks calendarId={props.calendarId} />
    </section>
  )
}
