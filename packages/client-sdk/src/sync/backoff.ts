// Reconnect delays: exponential from `initialMs`, capped at `maxMs`, with
// "equal jitter" (half fixed, half random) so a server restart does not get
// every client back in the same millisecond.

export interface BackoffOptions {
  initialMs?: number
  maxMs?: number
  random?: () => number
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 500
  const max = options.maxMs ?? 30_000
  const ceiling = Math.min(max, initial * 2 ** Math.max(0, attempt))
  return ceiling / 2 + (options.random ?? Math.random)() * (ceiling / 2)
}
