// Password hashing with argon2id (OWASP's minimum: m=19 MiB, t=2, p=1), as
// PHC strings so parameters travel with each hash and can be raised later
// (needsRehash). Hashes run on libuv threads; a semaphore bounds how many run
// at once so a login flood queues instead of exhausting memory.
import { hash, verify } from '@node-rs/argon2'

export interface PasswordHasher {
  hash(password: string): Promise<string>
  /** False for a wrong password or a malformed stored hash. */
  verify(passwordHash: string, password: string): Promise<boolean>
  /** True when a stored hash was made with other parameters than the current ones. */
  needsRehash(passwordHash: string): boolean
  /** Spends the time of one verification, for unknown users (no timing oracle). */
  verifyDummy(password: string): Promise<void>
}

export interface Argon2Parameters {
  memoryCost: number
  timeCost: number
  parallelism: number
}

export const defaultArgon2Parameters: Argon2Parameters = {
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
}

const ARGON2ID = 2

export function createPasswordHasher(
  options: { maxConcurrent?: number; parameters?: Argon2Parameters } = {},
): PasswordHasher {
  const parameters = options.parameters ?? defaultArgon2Parameters
  const run = createSemaphore(options.maxConcurrent ?? 4)
  const phcParams = `m=${parameters.memoryCost},t=${parameters.timeCost},p=${parameters.parallelism}`
  const hashOptions = { algorithm: ARGON2ID, ...parameters } as const
  let dummyHash: Promise<string> | undefined

  const hasher: PasswordHasher = {
    hash: (password) => run(() => hash(password, hashOptions)),
    async verify(passwordHash, password) {
      try {
        return await run(() => verify(passwordHash, password))
      } catch {
        return false
      }
    },
    needsRehash(passwordHash) {
      const [, algorithm, version, params] = passwordHash.split('$')
      return algorithm !== 'argon2id' || version !== 'v=19' || params !== phcParams
    },
    async verifyDummy(password) {
      dummyHash ??= hasher.hash('plansync dummy password for unknown users')
      await hasher.verify(await dummyHash, password)
    },
  }
  return hasher
}

/** Runs at most `limit` tasks at a time, the rest in arrival order. */
function createSemaphore(limit: number) {
  let running = 0
  const waiting: Array<() => void> = []
  return async function runLimited<T>(task: () => Promise<T>): Promise<T> {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve))
    running += 1
    try {
      return await task()
    } finally {
      running -= 1
      waiting.shift()?.()
    }
  }
}
