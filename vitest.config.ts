// One Vitest run for every package and the cross-process suites.
// Sources run directly (the `source` export condition): nothing is built first.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    globalSetup: ['tests/utils/postgres-global-setup.ts', 'tests/utils/redis-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'packages',
          include: ['packages/*/src/**/*.test.{ts,tsx}'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          // Cross-process suites start real servers; running them one file
          // at a time, after the unit tests rather than beside them, keeps
          // timings honest on 2 cores (fault tests freeze and kill processes
          // against leases of a few seconds).
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
