// GET /feeds/<secret>.ics: renders what the secret shows, with a strong ETag
// (the body's hash) and Last-Modified (when this feed's bytes last changed),
// answering 304 to If-None-Match or If-Modified-Since when nothing changed.
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readEvents } from '@plansync/schema'
import type { Logger } from 'pino'
import type { Clock } from '../channels/clock.ts'
import type { DocReader } from '../service/doc-reader.ts'
import type { FeedResolver } from './feed-resolver.ts'
import type { FeedVersionStore } from './feed-versions.ts'
import { FEED_CONTENT_TYPE, renderFeed } from './render-feed.ts'

export const FEED_PATH = /^\/feeds\/([A-Za-z0-9_-]{16,128})\.ics$/
const REFRESH_MINUTES = 15

export function createFeedHandler(options: {
  resolve: FeedResolver
  reader: DocReader
  versions: FeedVersionStore
  clock: Clock
  logger: Logger
}) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const secret = FEED_PATH.exec((request.url ?? '').split('?')[0] ?? '')?.[1]
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !secret) {
      return sendText(response, 404, 'not found')
    }
    try {
      const feed = await options.resolve(secret)
      if (!feed)
        return sendText(response, 404, 'no such feed: it was revoked, rotated or never existed')
      const now = options.clock.now()
      const calendars = []
      for (const calendar of feed.calendars) {
        const events = readEvents(await options.reader.read(calendar.doc))
        const versions = await options.versions.versionsOf(calendar.id, events, now)
        calendars.push({ name: calendar.name, events, versions })
      }
      const name =
        feed.calendars.length === 1 ? (feed.calendars[0]?.name ?? 'plansync') : 'plansync'
      const body = renderFeed({
        name: feed.busyOnly ? `${name} (busy)` : name,
        calendars,
        busyOnly: feed.busyOnly,
        refreshMinutes: REFRESH_MINUTES,
      })
      const hash = createHash('sha256').update(body).digest('base64url')
      const etag = `"${hash}"`
      // When this feed's bytes last changed (a deletion counts), not its newest event.
      const lastModified = await options.versions.changedAt(feed.id, hash, now)
      const modified = new Date(Math.floor(lastModified / 1000) * 1000)
      const headers = {
        'content-type': FEED_CONTENT_TYPE,
        etag,
        'last-modified': modified.toUTCString(),
        'cache-control': `private, max-age=${REFRESH_MINUTES * 60}`,
        'content-disposition': 'inline; filename="calendar.ics"',
      }
      if (notModified(request, etag, modified)) {
        response.writeHead(304, headers)
        response.end()
        return
      }
      response.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(body) })
      response.end(request.method === 'HEAD' ? undefined : body)
    } catch (error) {
      options.logger.error({ err: error }, 'feed failed')
      sendText(response, 503, 'the feed is unavailable right now; try again later')
    }
  }
}

function notModified(request: IncomingMessage, etag: string, modified: Date): boolean {
  const ifNoneMatch = request.headers['if-none-match']
  if (ifNoneMatch !== undefined) {
    // Weak comparison (RFC 9110): a proxy that compresses marks the tag W/.
    const opaque = (tag: string) => tag.trim().replace(/^W\//, '')
    return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag))
  }
  const since = Date.parse(request.headers['if-modified-since'] ?? '')
  return Number.isFinite(since) && modified.getTime() <= since
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
  })
  response.end(`${text}\n`)
}
