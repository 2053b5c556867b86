import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'

const mainFile = path.join(import.meta.dirname, 'main.ts')

/** The ConfigError loadConfig throws for `env`. */
function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`)
}

describe('loadConfig', () => {
  it('fills every default from an empty environment', () => {
    expect(loadConfig({})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
      storage: { kind: 'sqlite', file: path.resolve('./data', 'plansync.sqlite') },
      syncPath: '/sync',
      allowedOrigins: [],
      insecureDevAuth: false,
      limits: {
        maxMessageBytes: 2 * 1024 * 1024,
        maxAwarenessBytes: 64 * 1024,
        maxBufferedBytes: 8 * 1024 * 1024,
        maxPendingBytes: 64 * 1024 * 1024,
        maxNestingDepth: 32,
      },
      commitWindowMs: 0,
      compaction: { rows: 200, bytes: 256 * 1024 },
      shutdownTimeoutMs: 10_000,
    })
  })

  it('parses explicit values', () => {
    const config = loadConfig({
      PORT: '0',
      STORAGE: 'postgres',
      DATABASE_URL: 'postgres://u@db:5432/plansync',
      SYNC_PATH: '/ws/',
      SYNC_ALLOWED_ORIGINS: 'https://a.example, https://b.example,',
      SYNC_INSECURE_DEV_AUTH: '1',
      SYNC_MAX_MESSAGE_BYTES: '65536',
      LOG_LEVEL: 'debug',
    })
    expect(config).toMatchObject({
      port: 0,
      storage: { kind: 'postgres', url: 'postgres://u@db:5432/plansync' },
      syncPath: '/ws',
      allowedOrigins: ['https://a.example', 'https://b.example'],
      insecureDevAuth: true,
      limits: { maxMessageBytes: 65536 },
      logLevel: 'debug',
    })
  })

  it('parses the sync-token key and the access recheck', () => {
    const secret = 's'.repeat(32)
    const jwk = '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}'
    expect(
      loadConfig({
        SYNC_TOKEN_PUBLIC_KEY: ` ${jwk}\n`,
        SYNC_AUTH_URL: 'http://auth:8081/prefix',
        SYNC_INTERNAL_SECRET: secret,
        SYNC_ACCESS_RECHECK_MS: '5000',
      }),
    ).toMatchObject({
      tokenKeys: { kind: 'inline', value: jwk },
      accessCheck: { authUrl: 'http://auth:8081/prefix', secret, intervalMs: 5000 },
    })
    expect(loadConfig({ SYNC_TOKEN_PUBLIC_KEYS_FILE: 'keys.json' }).tokenKeys).toEqual({
      kind: 'file',
      path: path.resolve('keys.json'),
    })
  })

  it('returns a frozen object, nested parts included', () => {
    const config = loadConfig({})
    for (const part of [
      config,
      config.storage,
      config.limits,
      config.compaction,
      config.allowedOrigins,
    ]) {
      expect(Object.isFrozen(part)).toBe(true)
    }
    expect(() => {
      ;(config as { port: number }).port = 1
    }).toThrow(TypeError)
    expect(() => {
      ;(config.limits as { maxMessageBytes: number }).maxMessageBytes = 1
    }).toThrow(TypeError)
  })

  const bad: Array<{ env: Record<string, string>; names: string }> = [
    { env: { PORT: 'abc' }, names: 'PORT' },
    { env: { PORT: '70000' }, names: 'PORT' },
    { env: { STORAGE: 'mysql' }, names: 'STORAGE' },
    { env: { STORAGE: 'postgres' }, names: 'DATABASE_URL' },
    { env: { DATABASE_URL: 'mysql://db/x' }, names: 'DATABASE_URL' },
    { env: { SYNC_MAX_MESSAGE_BYTES: '0' }, names: 'SYNC_MAX_MESSAGE_BYTES' },
    { env: { LOG_LEVEL: 'loud' }, names: 'LOG_LEVEL' },
    { env: { SYNC_INSECURE_DEV_AUTH: 'yes' }, names: 'SYNC_INSECURE_DEV_AUTH' },
    { env: { SYNC_ACCESS_RECHECK_MS: '10' }, names: 'SYNC_ACCESS_RECHECK_MS' },
    { env: { SYNC_ACCESS_RECHECK_MS: 'soon' }, names: 'SYNC_ACCESS_RECHECK_MS' },
    {
      env: { SYNC_TOKEN_PUBLIC_KEY: '-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----' },
      names: 'SYNC_TOKEN_PUBLIC_KEY',
    },
    {
      env: { SYNC_TOKEN_PUBLIC_KEY: '{"kty":"OKP","crv":"Ed25519","x":"AA","d":"AA"}' },
      names: 'SYNC_TOKEN_PUBLIC_KEY',
    },
    {
      env: { SYNC_TOKEN_PUBLIC_KEY: '{"kty":"OKP"}', SYNC_TOKEN_PUBLIC_KEYS_FILE: 'k.json' },
      names: 'SYNC_TOKEN_PUBLIC_KEY',
    },
    { env: { SYNC_AUTH_URL: 'http://auth:8081' }, names: 'SYNC_INTERNAL_SECRET' },
    {
      env: { SYNC_INTERNAL_SECRET: 'short', SYNC_AUTH_URL: 'http://a' },
      names: 'SYNC_INTERNAL_SECRET',
    },
  ]
  for (const { env, names } of bad) {
    it(`fails naming ${names} for ${JSON.stringify(env)}`, () => {
      const error = configErrorOf(env)
      expect(error.message).toMatch(new RegExp(`(^|[ ;])${names}: `))
    })
  }

  it('names every bad variable at once', () => {
    const { message } = configErrorOf({ PORT: 'abc', LOG_LEVEL: 'loud' })
    expect(message).toContain('PORT: ')
    expect(message).toContain('LOG_LEVEL: ')
  })
})

describe('the sync server process', () => {
  it('exits with code 2 naming the variable on stderr when PORT is bad', async () => {
    const child = spawn(process.execPath, ['--conditions=source', mainFile], {
      env: { PATH: process.env.PATH ?? '', PORT: 'abc', SYNC_INSECURE_DEV_AUTH: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    let stdout = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    clearTimeout(timer)
    expect(code).toBe(2)
    expect(stderr).toMatch(/invalid configuration: .*PORT: /)
    expect(stdout).not.toContain('listening')
  })
})
