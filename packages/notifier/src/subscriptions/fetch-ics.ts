// Fetches a subscribed ICS file with the limits a server fetching URLs that
// users typed needs: http(s) only, private and loopback addresses refused
// (unless allowed, as in tests on loopback), at most 3 redirects, each hop
// checked again, a time limit and a size limit, and conditional requests so
// an unchanged file costs little. DNS may answer differently between the
// check and the connection (rebinding); the limits still bound what a
// request can do, and the file only ever becomes calendar events.
import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

export interface FetchOptions {
  allowPrivate: boolean
  maxBytes: number
  timeoutMs: number
  /** Validators of the last good response, for a 304. */
  etag?: string
  lastModified?: string
}

export type FetchResult =
  | { status: 'changed'; text: string; etag?: string; lastModified?: string }
  | { status: 'unchanged' }

export class FetchRefused extends Error {
  override name = 'FetchRefused'
}

const MAX_REDIRECTS = 3

const privateRanges = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
] as const) {
  privateRanges.addSubnet(net, prefix, 'ipv4')
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['::ffff:0:0', 96],
] as const) {
  privateRanges.addSubnet(net, prefix, 'ipv6')
}

export async function fetchIcs(url: string, options: FetchOptions): Promise<FetchResult> {
  let target = new URL(url.replace(/^webcal:/i, 'https:'))
  for (let hop = 0; ; hop++) {
    await checkTarget(target, options.allowPrivate)
    const response = await fetch(target, {
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
      headers: {
        accept: 'text/calendar, */*;q=0.1',
        ...(options.etag ? { 'if-none-match': options.etag } : {}),
        ...(options.lastModified ? { 'if-modified-since': options.lastModified } : {}),
      },
    })
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      await response.body?.cancel()
      const location = response.headers.get('location')
      if (!location || hop >= MAX_REDIRECTS) {
        throw new FetchRefused(`too many redirects or a redirect without a location`)
      }
      target = new URL(location, target)
      continue
    }
    if (response.status === 304) return { status: 'unchanged' }
    if (!response.ok) {
      await response.body?.cancel()
      throw new FetchRefused(`the server answered ${response.status}`)
    }
    const text = await readLimited(response, options.maxBytes)
    return {
      status: 'changed',
      text,
      ...(response.headers.get('etag') ? { etag: response.headers.get('etag') as string } : {}),
      ...(response.headers.get('last-modified')
        ? { lastModified: response.headers.get('last-modified') as string }
        : {}),
    }
  }
}

/** Refuses URLs a server should not call for a user: other schemes, credentials, private addresses. */
export async function checkTarget(url: URL, allowPrivate: boolean): Promise<void> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FetchRefused('only http(s) and webcal URLs are fetched')
  }
  if (url.username || url.password) throw new FetchRefused('URLs with credentials are not fetched')
  if (allowPrivate) return
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await lookup(host, { all: true }).catch(() => {
        throw new FetchRefused(`the host ${host} does not resolve`)
      })
  for (const { address, family } of addresses) {
    if (privateRanges.check(address, family === 6 ? 'ipv6' : 'ipv4')) {
      throw new FetchRefused(`the host ${host} is a private or local address`)
    }
  }
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel()
    throw new FetchRefused(`the file is larger than ${Math.round(maxBytes / 1024)} KiB`)
  }
  const reader = response.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw new FetchRefused(`the file is larger than ${Math.round(maxBytes / 1024)} KiB`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}
