// Redis commands served so far, per command (INFO commandstats), to count operations per update.
import { Redis } from 'ioredis'

export async function readRedisCalls(url: string): Promise<Map<string, number>> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    const info = await redis.info('commandstats')
    const calls = new Map<string, number>()
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      calls.set(match[1] as string, Number(match[2]))
    }
    return calls
  } finally {
    redis.disconnect()
  }
}

/** Commands served between two readings, busiest first (the INFO calls themselves left out). */
export function callsBetween(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Array<[string, number]> {
  return [...after]
    .map(([command, calls]): [string, number] => [command, calls - (before.get(command) ?? 0)])
    .filter(([command, calls]) => calls > 0 && command !== 'info')
    .sort((a, b) => b[1] - a[1])
}
