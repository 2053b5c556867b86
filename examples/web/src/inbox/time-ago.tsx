// A moment in words ("5 minutes ago", "in 3 days") that stays current, with
// the exact time in the title and in `<time dateTime>` for machines.
import { useEffect, useState } from 'react'

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
const exact = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
]

export function describeAgo(at: number, now: number): string {
  const diff = at - now
  if (Math.abs(diff) < 45_000) return 'just now'
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit)
  }
  return relative.format(Math.round(diff / 60_000), 'minute')
}

export function formatExact(at: number): string {
  return exact.format(at)
}

/** The current time, again every `ms` while mounted. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(timer)
  }, [ms])
  return now
}

export function TimeAgo(props: { at: number }) {
  const now = useNow()
  const when = formatExact(props.at)
  return (
    <time dateTime={new Date(props.at).toISOString()} title={when}>
      {describeAgo(props.at, now)}
    </time>
  )
}
