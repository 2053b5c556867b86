// Runs the shipped nginx config (deploy/nginx/plansync.conf) on loopback:
// the service addresses of the compose file are mapped to local ports, and a
// main config around it keeps pid, logs and temp files in a temp folder.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort } from './free-port.ts'

const shipped = path.resolve(import.meta.dirname, '../../deploy/nginx/plansync.conf')

export interface TestNginx {
  /** http://127.0.0.1:PORT */
  url: string
  /** ws://127.0.0.1:PORT/sync */
  syncUrl: string
  stop(): Promise<void>
}

export interface NginxTargets {
  /** The port to listen on; a free one if not given. */
  port?: number
  /** host:port of sync-1, sync-2 and sync-3, in that order. */
  sync: [string, string, string]
  /** host:port of the auth API (an unused port if the test needs none). */
  auth: string
  /** host:port of the notifier (an unused port if the test needs none). */
  notifier: string
}

export async function startNginx(targets: NginxTargets): Promise<TestNginx> {
  const dir = await mkdtemp(path.join(tmpdir(), 'plansync-nginx-'))
  const port = targets.port ?? (await freePort())
  const replacements: Array<[string, string]> = [
    ['listen 80;', `listen 127.0.0.1:${port};`],
    ['server sync-1:8080', `server ${targets.sync[0]}`],
    ['server sync-2:8080', `server ${targets.sync[1]}`],
    ['server sync-3:8080', `server ${targets.sync[2]}`],
    ['server auth-api:8081', `server ${targets.auth}`],
    ['server notifier:8082', `server ${targets.notifier}`],
  ]
  let site = await readFile(shipped, 'utf8')
  for (const [from, to] of replacements) {
    // A renamed service in the shipped file must fail here, not route nowhere.
    if (!site.includes(from)) throw new Error(`deploy/nginx/plansync.conf has no "${from}"`)
    site = site.replaceAll(from, to)
  }
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    await mkdir(path.join(dir, sub))
    await chmod(path.join(dir, sub), 0o777)
  }
  await writeFile(path.join(dir, 'plansync.conf'), site)
  await writeFile(
    path.join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
worker_rlimit_nofile 16384;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/plansync.conf;
}
`,
  )
  const bin = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx'
  const args = ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')]
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  child.once('error', () => {})
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    await waitForPort(port, child, () => stderr)
  } catch (error) {
    child.kill('SIGKILL')
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    syncUrl: `ws://127.0.0.1:${port}/sync`,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGQUIT')
        await exited
      }
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
