// Runs the shipped nginx configs on loopback: the site
// (deploy/nginx/plansync.conf) with the compose file's service addresses
// mapped to local ports, inside the shipped main config
// (deploy/nginx/nginx.conf) with pid, logs and temp files in a temp folder.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort } from './free-port.ts'

const deploy = path.resolve(import.meta.dirname, '../../deploy/nginx')

export interface TestNginx {
  /** http://127.0.0.1:PORT */
  url: string
  /** ws://127.0.0.1:PORT/sync */
  syncUrl: string
  port: number
  /**
   * Stops nginx at once (SIGTERM, a fast shutdown: every client connection
   * drops, as when the proxy crashes or is redeployed) and starts it again
   * on the same port.
   */
  restart(): Promise<void>
  stop(): Promise<void>
}

export interface NginxTargets {
  /** The port to listen on; a free one if not given. */
  port?: number
  /** host:port of each sync server, in order: they take the place of sync-1, sync-2, ... */
  sync: string[]
  /** host:port of the auth API (an unused port if the test needs none). */
  auth: string
  /** host:port of the notifier (an unused port if the test needs none). */
  notifier: string
  /** host:port of the web app's static server (see startWebStatic); refused if none. */
  web?: string
}

/** `from` replaced by `to` in `text`; a missing `from` (a renamed line in a shipped file) throws. */
function replaceLiteral(text: string, file: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? text.includes(from) : from.test(text)
  if (!found) throw new Error(`deploy/nginx/${file} has no "${from}"`)
  return typeof from === 'string' ? text.replaceAll(from, to) : text.replace(from, to)
}

/** The shipped site with its service addresses mapped to `targets`. */
export async function siteConfig(targets: NginxTargets, port: number): Promise<string> {
  if (targets.sync.length === 0) throw new Error('nginx needs at least one sync server')
  let site = await readFile(path.join(deploy, 'plansync.conf'), 'utf8')
  const edit = (from: string | RegExp, to: string) => {
    site = replaceLiteral(site, 'plansync.conf', from, to)
  }
  edit('listen 80;', `listen 127.0.0.1:${port};`)
  // The upstream's sync-1, sync-2, ... lines become one line per target, with
  // the first line's parameters (health checks).
  edit(
    /^([ \t]*)server sync-1:8080([^;\n]*);\n(?:[ \t]*server sync-\d+:8080[^;\n]*;\n)*/m,
    targets.sync.map((target) => `$1server ${target}$2;\n`).join(''),
  )
  edit('server auth-api:8081', `server ${targets.auth}`)
  edit('server notifier:8082', `server ${targets.notifier}`)
  // Port 1 on loopback refuses at once: the app's routes answer 502 then.
  edit('server web:8080', `server ${targets.web ?? '127.0.0.1:1'}`)
  return site
}

/** The web app's static site (deploy/nginx/web.conf) serving `root` on `port`. */
export async function webSiteConfig(root: string, port: number): Promise<string> {
  let site = await readFile(path.join(deploy, 'web.conf'), 'utf8')
  site = replaceLiteral(site, 'web.conf', 'listen 8080;', `listen 127.0.0.1:${port};`)
  return replaceLiteral(site, 'web.conf', 'root /usr/share/nginx/html;', `root ${root};`)
}

/** The shipped main config with its paths moved into `dir`. */
async function mainConfig(dir: string): Promise<string> {
  let main = await readFile(path.join(deploy, 'nginx.conf'), 'utf8')
  const edit = (from: string, to: string) => {
    main = replaceLiteral(main, 'nginx.conf', from, to)
  }
  // Not root's workers as the image's `nginx` user (Debian has none).
  edit('user nginx;', '')
  // One worker: passive health checks (max_fails) keep their state per
  // worker, and fault tests need one picture of which instance is down.
  edit('worker_processes auto;', 'worker_processes 1;')
  edit('pid /var/run/nginx.pid;', `pid ${dir}/nginx.pid;`)
  edit('error_log /var/log/nginx/error.log', `error_log ${dir}/error.log`)
  edit('access_log /var/log/nginx/access.log;', 'access_log off;')
  edit(
    'include /etc/nginx/conf.d/*.conf;',
    ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
      .map((sub) => `${sub === 'body' ? 'client_body' : sub}_temp_path ${dir}/${sub};`)
      .concat(`include ${dir}/plansync.conf;`)
      .join('\n    '),
  )
  return main
}

export async function startNginx(targets: NginxTargets): Promise<TestNginx> {
  const port = targets.port ?? (await freePort())
  return runNginx(await siteConfig(targets, port), port)
}

/** The web app as the cluster's static service: its own nginx with web.conf, serving `root`. */
export async function startWebStatic(root: string): Promise<TestNginx> {
  const port = await freePort()
  return runNginx(await webSiteConfig(root, port), port)
}

async function runNginx(site: string, port: number): Promise<TestNginx> {
  const dir = await mkdtemp(path.join(tmpdir(), 'plansync-nginx-'))
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  const launch = async () => {
    const bin = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx'
    const args = ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')]
    const started = spawn(bin, [...args, '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    started.once('error', () => {})
    child = started
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()))
    await waitForPort(port, started, () => stderr)
  }
  const halt = async (signal: 'SIGTERM' | 'SIGQUIT') => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill(signal)
      await exited
    }
  }
  try {
    for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      await mkdir(path.join(dir, sub))
      await chmod(path.join(dir, sub), 0o777)
    }
    await writeFile(path.join(dir, 'plansync.conf'), site)
    await writeFile(path.join(dir, 'nginx.conf'), await mainConfig(dir))
    await launch()
  } catch (error) {
    child?.kill('SIGKILL')
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    syncUrl: `ws://127.0.0.1:${port}/sync`,
    port,
    async restart() {
      await halt('SIGTERM')
      await launch()
    },
    async stop() {
      // A graceful stop (SIGQUIT) would wait for every WebSocket to end.
      await halt('SIGTERM')
      await rm(dir, { recursive: true, force: true })
    },
  }
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`nginx exited at start (install it with apt-get install nginx): ${stderr()}`)
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    if (Date.now() > deadline) throw new Error(`nginx did not listen in time: ${stderr()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
