// Real-browser helpers: Debian's Chromium driven by playwright-core (no
// browser download), and an SDK bundle built with esbuild from sources.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'
import { type Browser, chromium } from 'playwright-core'

const repoRoot = path.resolve(import.meta.dirname, '../..')
export const CHROMIUM = '/usr/bin/chromium'

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: apt-get install chromium (bash scripts/provision-services.sh does it)`,
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Pages fulfilled by page.route() have no network address, so Chromium's
    // local-network-access checks would treat them as public and block their
    // sockets to 127.0.0.1. A page served by the app itself is not affected.
    args: [
      '--no-sandbox',
      '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests',
    ],
  })
}

/** Bundles a browser entry (sources through the `source` condition) into one ES module. */
export async function bundleForBrowser(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(repoRoot, entry)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2023',
    conditions: ['source'],
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]?.text ?? ''
}
