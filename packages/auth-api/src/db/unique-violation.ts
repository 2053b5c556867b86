// Which unique column a failed insert collided with, on either store, so a
// race between two registrations still ends in a clean 409.
export function uniqueViolation(error: unknown): string | undefined {
  const e = error as { code?: string; message?: string; constraint_name?: string }
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // "UNIQUE constraint failed: users.username"
    return /failed: \w+\.(\w+)/.exec(e.message ?? '')?.[1]
  }
  if (e?.code === '23505') {
    // Postgres names it <table>_<column>_key
    return /^[a-z]+_(\w+)_key$/.exec(e.constraint_name ?? '')?.[1] ?? 'unknown'
  }
  return undefined
}
