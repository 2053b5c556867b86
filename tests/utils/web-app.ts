// The web app for browser tests: built once per change of its sources (a
// stamp of their paths, sizes and mtimes) into .tmp/web-dist, served by the
// embedded process like `npm start` does, and driven in Debian's Chromium.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { launchChromium } from './browser.ts'
import {
  embeddedMain,
  removeDataDir,
  type SyncProcess,
  startSyncProcess,
  stopSyncProcess,
} from './sync-process.ts'

const repoRoot = path.resolve(import.meta.dirname, '../..')
const webRoot = path.join(repoRoot, 'examples/web')
export const WEB_DIST = path.join(repoRoot, '.tmp/web-dist')
const viteBin = path.join(repoRoot, 'node_modules/vite/bin/vite.js')
const execFileAsync = promisify(execFile)
/** Where the browser suites save their screenshots (git-ignored, kept by CI runs). */
export const SCREENSHOTS = path.join(repoRoot, 'test-results/screenshots')

/** Everything the bundle is made of: the app and the workspace packages it imports. */
const SOURCES = [
  'examples/web/src',
  'examples/web/index.html',
  'examples/web/vite.config.ts',
  'examples/web/public',
]
  .concat(['client-sdk', 'schema', 'protocol'].map((name) => `packages/${name}/src`))
  .map((source) => path.join(repoRoot, source))

export async function buildWebApp(): Promise<string> {
  const stamp = await stampOf(SOURCES)
  const stampFile = path.join(WEB_DIST, '.stamp')
  if (existsSync(stampFile) && (await readFile(stampFile, 'utf8')) === stamp) return WEB_DIST
  // Built the way users build it, in a process of its own: inside Vitest,
  // NODE_ENV=test would make Vite leave out production-only code (the
  // service worker registration). Its own outDir, so the lock Vite keeps
  // against two builds of one project (a dev server, say) does not apply.
  const { NODE_ENV: _, ...env } = process.env
  await execFileAsync(
    process.execPath,
    [
      viteBin,
      'build',
      '--outDir',
      WEB_DIST,
      '--emptyOutDir',
      '--logLevel',
      'warn',
      '--bypass-lock',
    ],
    { cwd: webRoot, env },
  )
  await writeFile(stampFile, stamp)
  return WEB_DIST
}

async function stampOf(roots: string[]): Promise<string> {
  const hash = createHash('sha256')
  const walk = async (entry: string): Promise<void> => {
    const info = await stat(entry)
    if (info.isDirectory()) {
      for (const name of (await readdir(entry)).sort()) await walk(path.join(entry, name))
    } else hash.update(`${entry}:${info.size}:${info.mtimeMs}\n`)
  }
  for (const root of roots) await walk(root)
  return hash.digest('hex')
}

/** The embedded process serving the freshly built app; fast reminders for tests. */
export async function startWebServer(env: Record<string, string> = {}): Promise<SyncProcess> {
  const webDir = await buildWebApp()
  return startSyncProcess({
    main: embeddedMain,
    env: { WEB_DIR: webDir, SYNC_INSECURE_DEV_AUTH: 'false', ...env },
  })
}

export async function stopWebServer(server: SyncProcess | undefined): Promise<void> {
  if (!server) return
  await stopSyncProcess(server)
  await removeDataDir(server)
}

/**
 * For a browser suite: the embedded process serving the built app and
 * Debian's Chromium, started before the suite's tests and stopped after.
 */
export function useWebApp(): { url: () => string; browser: () => Browser } {
  let server: SyncProcess | undefined
  let browser: Browser | undefined
  beforeAll(async () => {
    server = await startWebServer()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await stopWebServer(server)
  })
  return {
    url() {
      if (!server) throw new Error('the server starts in beforeAll')
      return server.url
    },
    browser() {
      if (!browser) throw new Error('the browser starts in beforeAll')
      return browser
    },
  }
}

/**
 * A page that records console errors and uncaught exceptions; `errors()`
 * lists them, so a test can require none.
 */
export async function openPage(context: BrowserContext, url: string): Promise<AppPage> {
  const page = await context.newPage()
  // Fail at the step that stalls, well before the test's own timeout.
  page.setDefaultTimeout(10_000)
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' && !isExpectedNetworkError(message)) {
      errors.push(`console: ${message.text()}`)
    }
  })
  await page.goto(url)
  return Object.assign(page, { errors: () => errors })
}

export type AppPage = Page & { errors: () => string[] }

/**
 * What the browser itself logs when a request fails while a test has taken
 * the network away or the server refused on purpose: not the app's errors.
 */
function isExpectedNetworkError(message: ConsoleMessage): boolean {
  return /ERR_INTERNET_DISCONNECTED|WebSocket connection to .* failed|Failed to load resource/.test(
    message.text(),
  )
}

export async function newContext(
  browser: Browser,
  options: { width?: number; height?: number } = {},
) {
  return browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
    timezoneId: 'Europe/Berlin',
    locale: 'en-GB',
  })
}

/** Signs up through the form and waits for the planner. */
export async function signUp(page: Page, username: string, displayName: string): Promise<void> {
  await page.getByRole('link', { name: 'Create an account' }).click()
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Your name').fill(displayName)
  await page.getByLabel('Password').fill(`${username} has a long passphrase`)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('heading', { name: 'My calendars' }).waitFor()
}

/** Creates a calendar from the sidebar and waits for it in the list. */
export async function createCalendar(page: Page, name: string): Promise<void> {
  await page.getByLabel('New calendar').fill(name)
  await page.getByRole('button', { name: 'Create calendar' }).click()
  await page.getByRole('link', { name: `Settings of ${name}` }).waitFor()
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })
}
