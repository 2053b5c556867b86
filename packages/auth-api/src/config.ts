// Configuration of the auth API: parsed once from the environment with zod,
// failing with the name of the bad variable, then frozen. Defaults in one
// table. STORAGE, DATABASE_URL, DATA_DIR and LOG_LEVEL mean the same as for
// the sync server, so the embedded process shares them.
import path from 'node:path'
import { z } from 'zod'

const defaults = {
  AUTH_HOST: '127.0.0.1',
  AUTH_PORT: 8081,
  AUTH_PUBLIC_URL: 'http://127.0.0.1:8080',
  DATA_DIR: './data',
  STORAGE: 'sqlite',
  LOG_LEVEL: 'info',
  AUTH_SESSION_TTL_DAYS: 30,
  AUTH_INVITE_TTL_DAYS: 7,
  AUTH_MAX_CONCURRENT_HASHES: 4,
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
    AUTH_HOST: z.string().min(1).default(defaults.AUTH_HOST),
    AUTH_PORT: int(0, 65535).default(defaults.AUTH_PORT),
    AUTH_PUBLIC_URL: z.url({ protocol: /^https?$/ }).default(defaults.AUTH_PUBLIC_URL),
    AUTH_ALLOWED_ORIGINS: list.optional(),
    AUTH_TRUST_PROXY: bool.default(false),
    AUTH_SESSION_TTL_DAYS: int(1, 365).default(defaults.AUTH_SESSION_TTL_DAYS),
    AUTH_INVITE_TTL_DAYS: int(1, 90).default(defaults.AUTH_INVITE_TTL_DAYS),
    AUTH_MAX_CONCURRENT_HASHES: int(1, 64).default(defaults.AUTH_MAX_CONCURRENT_HASHES),
    AUTH_INTERNAL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SYNC_TOKEN_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    DATA_DIR: z.string().min(1).default(defaults.DATA_DIR),
    STORAGE: z.enum(['sqlite', 'postgres']).default(defaults.STORAGE),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default(defaults.LOG_LEVEL),
  })
  .refine((env) => env.STORAGE !== 'postgres' || env.DATABASE_URL !== undefined, {
    path: ['DATABASE_URL'],
    message: 'is required when STORAGE=postgres',
  })

export type AuthStorageConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }

export interface AuthConfig {
  host: string
  port: number
  /** Where users reach the app: invite links point here; https makes cookies Secure. */
  publicUrl: string
  /** Origins allowed to call cookie-authenticated unsafe routes (CSRF check). */
  allowedOrigins: readonly string[]
  /** Take the client IP from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean
  sessionTtlMs: number
  inviteTtlMs: number
  maxConcurrentHashes: number
  /** Bearer secret of the internal access-check route; the route is off without it. */
  internalSecret: string | undefined
  /** Ed25519 private JWK file for sync tokens; created on first run when missing. */
  syncTokenKeyFile: string
  dataDir: string
  storage: AuthStorageConfig
  redisUrl: string | undefined
  logLevel: string
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const DAY_MS = 24 * 60 * 60 * 1000

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadAuthConfig(env: Record<string, string | undefined>): Readonly<AuthConfig> {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  }
  const e = parsed.data
  const dataDir = path.resolve(e.DATA_DIR)
  const storage: AuthStorageConfig =
    e.STORAGE === 'postgres' && e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'sqlite', file: path.join(dataDir, 'auth.sqlite') }
  const publicUrl = e.AUTH_PUBLIC_URL.replace(/\/+$/, '')
  return Object.freeze({
    host: e.AUTH_HOST,
    port: e.AUTH_PORT,
    publicUrl,
    allowedOrigins: Object.freeze(e.AUTH_ALLOWED_ORIGINS ?? [new URL(publicUrl).origin]),
    trustProxy: e.AUTH_TRUST_PROXY,
    sessionTtlMs: e.AUTH_SESSION_TTL_DAYS * DAY_MS,
    inviteTtlMs: e.AUTH_INVITE_TTL_DAYS * DAY_MS,
    maxConcurrentHashes: e.AUTH_MAX_CONCURRENT_HASHES,
    internalSecret: e.AUTH_INTERNAL_SECRET,
    syncTokenKeyFile: path.resolve(
      e.SYNC_TOKEN_PRIVATE_KEY_FILE ?? path.join(dataDir, 'sync-token-private.jwk.json'),
    ),
    dataDir,
    storage: Object.freeze(storage),
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
  })
}
