// Configuration of the notifier process: parsed once from the environment
// with zod, failing with the name of the bad variable, then frozen.
import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max)

const schema = z
  .object({
    NOTIFIER_HOST: z.string().min(1).default('127.0.0.1'),
    NOTIFIER_PORT: int(0, 65535).default(8082),
    NOTIFIER_INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash and underscore, at most 64')
      .optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    /** Where the sync servers keep docs (read, and inbox entries written). */
    SYNC_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    /** The reminder schedule; the sync database when unset. */
    NOTIFIER_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    SYNC_RELAY_PARTITIONS: int(1, 1024).default(16),
    AUTH_URL: z.url({ protocol: /^https?$/ }),
    AUTH_INTERNAL_SECRET: z.string().min(32, 'must be at least 32 characters'),
    APP_URL: z.url({ protocol: /^https?$/ }).optional(),
    SMTP_URL: z.string().min(1).optional(),
    MAIL_FROM: z.string().min(3).optional(),
    NOTIFIER_HORIZON_DAYS: int(1, 366).default(7),
    /** How often subscribed ICS URLs are fetched. */
    NOTIFIER_SUBSCRIPTION_SECONDS: int(2, 86_400).default(900),
    /** Fetch subscription URLs on private or loopback addresses (tests, closed networks). */
    NOTIFIER_FETCH_PRIVATE_URLS: z
      .enum(['true', 'false', '1', '0', ''])
      .transform((value) => value === 'true' || value === '1')
      .default(false),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
  })
  .refine((env) => env.SYNC_DATABASE_URL !== undefined || env.REDIS_URL === undefined, {
    path: ['SYNC_DATABASE_URL'],
    message: 'is required with REDIS_URL: a cluster keeps docs in Postgres',
  })

export interface NotifierConfig {
  host: string
  port: number
  instanceId: string
  /** The docs of the sync servers. */
  docs: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }
  schedule: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }
  redis: { url: string; relayPartitions: number } | undefined
  auth: { url: string; secret: string }
  appUrl: string | undefined
  smtp: { url: string; from: string | undefined } | undefined
  horizonMs: number
  subscriptions: { intervalMs: number; allowPrivate: boolean }
  logLevel: string
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function loadNotifierConfig(
  env: Record<string, string | undefined>,
): Readonly<NotifierConfig> {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  }
  const e = parsed.data
  const dataDir = path.resolve(e.DATA_DIR)
  const docs: NotifierConfig['docs'] = e.SYNC_DATABASE_URL
    ? { kind: 'postgres', url: e.SYNC_DATABASE_URL }
    : { kind: 'sqlite', file: path.join(dataDir, 'plansync.sqlite') }
  const scheduleUrl = e.NOTIFIER_DATABASE_URL ?? e.SYNC_DATABASE_URL
  const schedule: NotifierConfig['schedule'] = scheduleUrl
    ? { kind: 'postgres', url: scheduleUrl }
    : { kind: 'sqlite', file: path.join(dataDir, 'notifier.sqlite') }
  return Object.freeze({
    host: e.NOTIFIER_HOST,
    port: e.NOTIFIER_PORT,
    instanceId: e.NOTIFIER_INSTANCE_ID ?? `${os.hostname()}-${process.pid}`,
    docs,
    schedule,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, relayPartitions: e.SYNC_RELAY_PARTITIONS } : undefined,
    auth: { url: e.AUTH_URL.replace(/\/+$/, ''), secret: e.AUTH_INTERNAL_SECRET },
    appUrl: e.APP_URL,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.MAIL_FROM } : undefined,
    horizonMs: e.NOTIFIER_HORIZON_DAYS * 24 * 3_600_000,
    subscriptions: {
      intervalMs: e.NOTIFIER_SUBSCRIPTION_SECONDS * 1000,
      allowPrivate: e.NOTIFIER_FETCH_PRIVATE_URLS,
    },
    logLevel: e.LOG_LEVEL,
  })
}
