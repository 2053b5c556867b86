// Reads the session cookie a response set, the way a browser would: the last
// Set-Cookie for the name wins.
import { SESSION_COOKIE } from '../accounts/session-cookie.ts'

export interface SetSessionCookie {
  value: string
  /** Lower-cased attribute names to their values ('' for flags). */
  attributes: Record<string, string>
  /** What a browser would send back: `plansync_session=<value>`. */
  header: string
}

export function sessionCookieOf(headers: Headers): SetSessionCookie | undefined {
  const line = headers
    .getSetCookie()
    .filter((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`))
    .at(-1)
  if (line === undefined) return undefined
  const [pair = '', ...rest] = line.split(';').map((part) => part.trim())
  const value = pair.slice(SESSION_COOKIE.length + 1)
  const attributes = Object.fromEntries(
    rest.map((part) => {
      const [name = '', ...val] = part.split('=')
      return [name.toLowerCase(), val.join('=')]
    }),
  )
  return { value, attributes, header: `${SESSION_COOKIE}=${value}` }
}
