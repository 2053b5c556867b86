// Configuration of the sync server: parsed once from the environment with
// zod, failing with the name of the bad variable, then frozen.
import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'

/** Every default in one table; createSyncServer uses the same values. */
export const defaults = {
  HOST: '127.0.0.1',
  PORT: 8080,
  DATA_DIR: './data',
  STORAGE: 'sqlite',
  LOG_LEVEL: 'info',
  SYNC_PATH: '/sync',
  SYNC_MAX_MESSAGE_BYTES: 2 * 1024 * 1024,
  SYNC_MAX_AWARENESS_BYTES: 64 * 1024,
  SYNC_MAX_BUFFERED_BYTES: 8 * 1024 * 1024,
  SYNC_MAX_PENDING_BYTES: 64 * 1024 * 1024,
  SYNC_MAX_NESTING_DEPTH: 32,
  SYNC_COMMIT_WINDOW_MS: 0,
  SYNC_COMPACT_ROWS: 200,
  SYNC_COMPACT_BYTES: 256 * 1024,
  SYNC_SHUTDOWN_TIMEOUT_MS: 10_000,
  SYNC_ACCESS_RECHECK_MS: 60_000,
  SYNC_LEASE_TTL_MS: 10_000,
  SYNC_RELAY_PARTITIONS: 16,
} as const

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((value) => value === 'true' || value === '1')
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max)
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
)

const schema = z
  .object({
    HOST: z.string().min(1).default(defaults.HOST),
    PORT: int(0, 65535).default(defaults.PORT),
    DATA_DIR: z.string().min(1).default(defaults.DATA_DIR),
    STORAGE: z.enum(['sqlite', 'postgres']).default(defaults.STORAGE),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default(defaults.LOG_LEVEL),
    SYNC_PATH: z
      .string()
      .regex(/^\/[A-Za-z0-9/_-]*$/, 'must be a URL path such as /sync')
      .default(defaults.SYNC_PATH),
    SYNC_ALLOWED_ORIGINS: list.default([]),
    SYNC_INSECURE_DEV_AUTH: bool.default(false),
    SYNC_MAX_MESSAGE_BYTES: int(1024, 256 * 1024 * 1024).default(defaults.SYNC_MAX_MESSAGE_BYTES),
    SYNC_MAX_AWARENESS_BYTES: int(64, 16 * 1024 * 1024).default(defaults.SYNC_MAX_AWARENESS_BYTES),
    SYNC_MAX_BUFFERED_BYTES: int(1024, 1024 ** 3).default(defaults.SYNC_MAX_BUFFERED_BYTES),
    SYNC_MAX_PENDING_BYTES: int(1024, 8 * 1024 ** 3).default(defaults.SYNC_MAX_PENDING_BYTES),
    SYNC_MAX_NESTING_DEPTH: int(1, 1000).default(defaults.SYNC_MAX_NESTING_DEPTH),
    SYNC_COMMIT_WINDOW_MS: int(0, 1000).default(defaults.SYNC_COMMIT_WINDOW_MS),
    SYNC_COMPACT_ROWS: int(2, 10_000_000).default(defaults.SYNC_COMPACT_ROWS),
    SYNC_COMPACT_BYTES: int(1024, 1024 ** 3).default(defaults.SYNC_COMPACT_BYTES),
    SYNC_SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(defaults.SYNC_SHUTDOWN_TIMEOUT_MS),
    SYNC_TOKEN_PUBLIC_KEY: z
      .string()
      .trim()
      .min(1)
      .refine((value) => !value.includes('PRIVATE KEY') && !/"[dk]"\s*:/.test(value), {
        message: 'holds a private key: give the sync server only the public key',
      })
      .optional(),
    SYNC_TOKEN_PUBLIC_KEYS_FILE: z.string().min(1).optional(),
    SYNC_TOKEN_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
    SYNC_AUTH_URL: z.url({ protocol: /^https?$/ }).optional(),
    SYNC_INTERNAL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SYNC_ACCESS_RECHECK_MS: int(1000, 24 * 3600 * 1000).default(defaults.SYNC_ACCESS_RECHECK_MS),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    SYNC_INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash and underscore, at most 64')
      .optional(),
    SYNC_ADVERTISE_URL: z.url({ protocol: /^https?$/ }).optional(),
    SYNC_LEASE_TTL_MS: int(500, 600_000).default(defaults.SYNC_LEASE_TTL_MS),
    SYNC_RELAY_PARTITIONS: int(1, 1024).default(defaults.SYNC_RELAY_PARTITIONS),
  })
  .refine((env) => env.STORAGE !== 'postgres' || env.DATABASE_URL !== undefined, {
    path: ['DATABASE_URL'],
    message: 'is required when STORAGE=postgres',
  })
  .refine(
    (env) =>
      [env.SYNC_TOKEN_PUBLIC_KEY, env.SYNC_TOKEN_PUBLIC_KEYS_FILE, env.SYNC_TOKEN_JWKS_URL].filter(
        (value) => value !== undefined,
      ).length <= 1,
    {
      path: ['SYNC_TOKEN_PUBLIC_KEY'],
      message:
        'set only one of SYNC_TOKEN_PUBLIC_KEY, SYNC_TOKEN_PUBLIC_KEYS_FILE and SYNC_TOKEN_JWKS_URL',
    },
  )
  .refine((env) => (env.SYNC_AUTH_URL === undefined) === (env.SYNC_INTERNAL_SECRET === undefined), {
    path: ['SYNC_INTERNAL_SECRET'],
    message: 'SYNC_AUTH_URL and SYNC_INTERNAL_SECRET go together (the access recheck needs both)',
  })

export interface SyncServerConfig {
  host: string
  port: number
  logLevel: string
  storage: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }
  syncPath: string
  allowedOrigins: readonly string[]
  insecureDevAuth: boolean
  limits: {
    maxMessageBytes: number
    maxAwarenessBytes: number
    maxBufferedBytes: number
    maxPendingBytes: number
    maxNestingDepth: number
  }
  commitWindowMs: number
  compaction: { rows: number; bytes: number }
  shutdownTimeoutMs: number
  /** Where the sync-token public keys come from; none = dev verifier or deny-all. */
  tokenKeys:
    | { kind: 'inline'; value: string }
    | { kind: 'file'; path: string }
    | { kind: 'url'; url: string }
    | undefined
  /** The auth API's access-check endpoint, for the periodic recheck. */
  accessCheck: { authUrl: string; secret: string; intervalMs: number } | undefined
  redisUrl: string | undefined
  /** Set with REDIS_URL: this instance relays to and leases against the others. */
  cluster:
    | {
        redisUrl: string
        instanceId: string
        /** Where the proxy and the other instances reach this one. */
        advertiseUrl: string
        leaseTtlMs: number
        relayPartitions: number
      }
    | undefined
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<SyncServerConfig> {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  }
  const e = parsed.data
  const storage: SyncServerConfig['storage'] =
    e.STORAGE === 'postgres' && e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'sqlite', file: path.resolve(e.DATA_DIR, 'plansync.sqlite') }
  const tokenKeys: SyncServerConfig['tokenKeys'] = e.SYNC_TOKEN_PUBLIC_KEY
    ? { kind: 'inline', value: e.SYNC_TOKEN_PUBLIC_KEY }
    : e.SYNC_TOKEN_PUBLIC_KEYS_FILE
      ? { kind: 'file', path: path.resolve(e.SYNC_TOKEN_PUBLIC_KEYS_FILE) }
      : e.SYNC_TOKEN_JWKS_URL
        ? { kind: 'url', url: e.SYNC_TOKEN_JWKS_URL }
        : undefined
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    storage: Object.freeze(storage),
    syncPath: e.SYNC_PATH.replace(/\/+$/, ''),
    allowedOrigins: Object.freeze(e.SYNC_ALLOWED_ORIGINS),
    insecureDevAuth: e.SYNC_INSECURE_DEV_AUTH,
    limits: Object.freeze({
      maxMessageBytes: e.SYNC_MAX_MESSAGE_BYTES,
      maxAwarenessBytes: e.SYNC_MAX_AWARENESS_BYTES,
      maxBufferedBytes: e.SYNC_MAX_BUFFERED_BYTES,
      maxPendingBytes: e.SYNC_MAX_PENDING_BYTES,
      maxNestingDepth: e.SYNC_MAX_NESTING_DEPTH,
    }),
    commitWindowMs: e.SYNC_COMMIT_WINDOW_MS,
    compaction: Object.freeze({ rows: e.SYNC_COMPACT_ROWS, bytes: e.SYNC_COMPACT_BYTES }),
    shutdownTimeoutMs: e.SYNC_SHUTDOWN_TIMEOUT_MS,
    tokenKeys,
    accessCheck:
      e.SYNC_AUTH_URL && e.SYNC_INTERNAL_SECRET
        ? {
            authUrl: e.SYNC_AUTH_URL,
            secret: e.SYNC_INTERNAL_SECRET,
            intervalMs: e.SYNC_ACCESS_RECHECK_MS,
          }
        : undefined,
    redisUrl: e.REDIS_URL,
    cluster: e.REDIS_URL
      ? Object.freeze({
          redisUrl: e.REDIS_URL,
          instanceId: e.SYNC_INSTANCE_ID ?? `${os.hostname()}-${process.pid}`,
          advertiseUrl: e.SYNC_ADVERTISE_URL ?? `http://${e.HOST}:${e.PORT}`,
          leaseTtlMs: e.SYNC_LEASE_TTL_MS,
          relayPartitions: e.SYNC_RELAY_PARTITIONS,
        })
      : undefined,
  })
}
