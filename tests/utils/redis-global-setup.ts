// Vitest global setup: one throwaway Redis per test run, its url provided as `redisUrl`.
import type { TestProject } from 'vitest/node'
import { startRedis } from './redis.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await startRedis()
  project.provide('redisUrl', redis.url)
  return () => redis.stop()
}
